/* Search page: filled in by the search work (Pagefind). */
(function () {
  "use strict";
  var status = document.getElementById("search-status");
  if (status) status.textContent = "";
})();
