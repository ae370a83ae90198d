//! Every diagnostic code, declared once: its string, severity, Chinese title and the doc of
//! what trips it, how to fix it and the rule it comes from (the docs' code lists are generated
//! from here).

use super::Severity;
use std::fmt::Write as _;

/// What the docs say of one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doc {
    /// 触发条件: what trips it.
    pub trigger: &'static str,
    /// 修改方法: how to fix it.
    pub fix: &'static str,
    /// 依据: the rule it comes from, empty when it is only a technical check.
    pub basis: &'static str,
}

macro_rules! codes {
    ($($(#[$m:meta])* $variant:ident = $s:literal, $sev:ident, $title:literal,
        $trigger:literal, $fix:literal, $basis:literal;)*) => {
        /// A diagnostic code. [`Code::as_str`] is what users, tests and the JSON output see:
        /// it never changes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$m])* $variant,)*
        }

        impl Code {
            /// Every code, errors first, each group in alphabetical order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// `E-BROKEN-LINK`, `W-LATE-INTERPRETATION` …
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $s,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// A one-line Chinese title.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            pub fn doc(self) -> Doc {
                match self {
                    $(Code::$variant => Doc { trigger: $trigger, fix: $fix, basis: $basis },)*
                }
            }
        }
    };
}

codes! {
    ActiveContent = "E-ACTIVE-CONTENT", Error, "会运行脚本的文件",
        "要复制到网站的文件会在门户网站的域名下运行脚本：内容目录中的 .html、.js 等网页或脚本文件，或含有脚本、事件属性、javascript: 链接、内嵌文档或实体声明（或不是 UTF-8 编码）的 SVG 图片。",
        "附件请使用 PDF、OFD、图片或办公文档；SVG 图片删去其中的脚本和事件属性，或转换为 PNG。gongkai 不会替你改写文件。",
        "网站安全：防止跨站脚本（政府网站发展指引 国办发〔2017〕47号，安全防护）";
    AliasInvalid = "E-ALIAS-INVALID", Error, "旧网址写法不对",
        "aliases 中的旧网址不是站内路径：不以 / 开头、不以 / 或 .html 结尾，或含有 ..、查询串、控制字符等。",
        "写作 aliases = [\"/policies/2016/old-slug/\"]，只写站内路径，不写域名。",
        "网址连续性：已发布的网址不得无故失效";
    BrokenLink = "E-BROKEN-LINK", Error, "站内链接目标不存在",
        "正文中的站内链接、图片或附件指向的文件不存在，或指向未主动公开的文件。",
        "改正链接路径；链接到其他内容文件时写相对路径，例如 [见](../pages/guide.md)。",
        "政府网站与政务新媒体检查指标：可用性（链接可用性）";
    Config = "E-CONFIG", Error, "站点配置不可用",
        "site-config.toml 中的值不可用：base_url 不是 http(s) 网址、conac_id 含有不允许的字符、配置节不是表、找不到主题，或 --base-url 不可用。",
        "按提示改正 site-config.toml 中的值，例如 base_url = \"https://www.xinyang.gov.cn\"。",
        "";
    DateOrder = "E-DATE-ORDER", Error, "日期先后顺序不对",
        "日期先后矛盾：发布日期早于成文日期、有效期至早于施行日期，或有效性变更日期早于发布日期。",
        "核对并改正其中一个日期。",
        "";
    DuplicateIndexNo = "E-DUPLICATE-INDEX-NO", Error, "索引号重复",
        "两个政策文件使用了同一个索引号。",
        "给其中一个文件分配新的索引号（本站机构代码/年份-下一个流水号）。",
        "政府信息公开目录：每条信息有唯一的索引号";
    EmptyValue = "E-EMPTY-VALUE", Error, "必填字段为空",
        "必填字段写了，但值为空（或只有空格、零宽字符等看不见的字符）。",
        "填写该字段的内容。",
        "";
    Frontmatter = "E-FRONTMATTER", Error, "缺少头部信息",
        "Markdown 文件不以 +++ 行开头，或头部信息没有结束的 +++ 行。",
        "文件第一行写 +++，接着写 title = \"…\" 等字段，再以一行 +++ 结束，之后是正文。",
        "";
    HtmlTooDeep = "E-HTML-TOO-DEEP", Error, "HTML 标签嵌套过深",
        "正文中的 HTML 标签嵌套超过 256 层（多见于从网页或 Word 粘贴的内容）。",
        "删去多余的嵌套标签，或改用 Markdown 书写。",
        "";
    IndexNoFormat = "E-INDEX-NO-FORMAT", Error, "索引号格式不对",
        "索引号在机构代码/ 之后的部分不是 <4 位年份>-<1 到 10 位流水号>。",
        "写作 <机构代码>/<年份>-<流水号>，例如 11411500005397436X/2016-00001。",
        "政府信息公开目录编制规范：索引号由机构代码、年份和流水号组成";
    IndexNoPrefix = "E-INDEX-NO-PREFIX", Error, "索引号不以本站机构代码开头",
        "索引号不以 site-config.toml 中 [site] org_code 加 / 开头。",
        "把索引号改为 <本站机构代码>/<年份>-<流水号>；文件由其他机关发布时也使用本站的索引号。",
        "政府信息公开目录编制规范：索引号由机构代码、年份和流水号组成";
    Internal = "E-INTERNAL", Error, "内部错误",
        "gongkai 自身出现了意外错误（例如预览时的内部错误）。",
        "重新运行 gongkai build；问题仍在时请报告，并附上出错的内容文件。",
        "";
    InterpretsDuplicate = "E-INTERPRETS-DUPLICATE", Error, "解读文件重复列出",
        "政策解读的 interprets 中同一个索引号写了不止一次。",
        "删去重复的索引号。",
        "";
    InterpretsUnknown = "E-INTERPRETS-UNKNOWN", Error, "所解读的文件不存在",
        "政策解读的 interprets 中的索引号没有对应的政策文件，或该文件未主动公开。",
        "核对索引号；所解读的文件须是本站主动公开的政策文件。",
        "政策解读与政策文件同步关联发布（国办发〔2016〕19号）";
    InvalidDate = "E-INVALID-DATE", Error, "日期无效",
        "日期不是日历上存在的日期（如 2 月 30 日），带了时间，或写成了带引号的字符串。",
        "日期写作 TOML 日期，不加引号：published = 2016-04-26。",
        "";
    InvalidValue = "E-INVALID-VALUE", Error, "值不在允许范围内",
        "字段的值不是允许的值之一（如公开方式、有效性、文件类型、解读形式、权力类型、清单类型），或数值超出范围（年报中的负数、过大的数、长度不对的数组，无效的年度）。",
        "改为提示中列出的可选值之一，或改正数值。",
        "";
    Io = "E-IO", Error, "读写文件失败",
        "无法读取内容文件，或无法写入输出目录（权限、磁盘空间等）。",
        "检查文件和目录的权限及磁盘空间后重新生成。",
        "";
    ListColumns = "E-LIST-COLUMNS", Error, "自定义清单的列声明不对",
        "kind = \"custom\" 的清单中，columns 的某一项缺少 key 或 label，或 key 重复。",
        "写作 columns = [{ key = \"name\", label = \"名称\", required = true }]，每个 key 不重复。",
        "";
    ListDuplicateCode = "E-LIST-DUPLICATE-CODE", Error, "事项编码重复",
        "权力清单中两个事项使用了同一个事项编码（事项编码用作事项网址）。",
        "改正其中一个事项编码，使其在清单中唯一。",
        "权责清单：每个事项有唯一编码";
    ListHeader = "E-LIST-HEADER", Error, "清单缺少 [list] 表",
        "content/lists/ 下的清单文件没有 [list] 表。",
        "文件开头写 [list]，再写 title、kind、updated 等字段，之后每个事项写一个 [[items]]。",
        "";
    Manifest = "E-MANIFEST", Error, "发布清单文件无法使用",
        "--previous 指定的 gongkai.sha256 不存在，或输出目录中的 gongkai.sha256 无法读取。",
        "--previous 填写从网站下载的 gongkai.sha256；输出目录中的清单损坏时删除它（本次生成将不比较网址）。",
        "";
    MissingKey = "E-MISSING-KEY", Error, "缺少必填字段",
        "文件缺少必填字段（字段表见 docs/zh/内容格式.md），或缺少必须写的表（如年报的某组数据、自定义清单的 columns）。",
        "按提示添加该字段，例如 `issuer = \"信阳市人民政府\"`。",
        "政府信息公开目录的必备要素";
    MobileNumber = "E-MOBILE-NUMBER", Error, "含有手机号码",
        "要发布的文字或文件名中含有 11 位手机号码。",
        "遮盖号码中间几位（例如 138****1234），或改为单位电话；确需公开时在 [check] 中设置 allow_personal_info = true。",
        "政府信息公开条例第十五条（个人隐私）；检查指标：严重错误（泄露个人信息）";
    NotUtf8 = "E-NOT-UTF8", Error, "文件不是 UTF-8 编码",
        "内容文件不是 UTF-8 编码（常见为 GBK 或 GB18030）。",
        "用编辑器另存为 UTF-8，或运行 iconv -f GB18030 -t UTF-8 原文件 > 新文件。",
        "";
    OutputForeign = "E-OUTPUT-FOREIGN", Error, "输出目录中有他人的文件",
        "输出目录中不是 gongkai 写入的文件挡住了要生成的文件。",
        "移走这些文件（或放到 static/ 下由 gongkai 复制）后重新生成；本次生成没有改动任何文件。",
        "";
    OutputNotOwned = "E-OUTPUT-NOT-OWNED", Error, "输出目录不是 gongkai 的",
        "输出目录已有文件，但不是 gongkai 生成的（没有标记文件，或标记文件格式不对），或输出路径是一个文件。",
        "换一个空目录作为输出目录，或确认后清空该目录。gongkai 不会删除或覆盖它没有生成的文件。",
        "";
    OutputUnsafe = "E-OUTPUT-UNSAFE", Error, "不能用作输出目录",
        "输出目录是文件系统根目录、站点根目录或其上级，或 content/、static/、templates/、themes/ 等源目录（或其中的目录）。",
        "在 [build] output 或 --output 中使用单独的目录，例如 public。",
        "";
    PersonalId = "E-PERSONAL-ID", Error, "含有居民身份证号",
        "要发布的文字或文件名中含有校验位正确的 18 位居民身份证号。",
        "遮盖中间几位（例如 4115**********1234）；确需公开时在 [check] 中设置 allow_personal_info = true。",
        "政府信息公开条例第十五条（个人隐私）；检查指标：严重错误（泄露个人信息）";
    RemovedInvalid = "E-REMOVED-INVALID", Error, "撤下网址写法不对",
        "content/removed.toml 中 [[removed]] 的 url 不是站内路径，或与前面的项重复。",
        "写作 url = \"/policies/2016/old-slug/\"，每个网址只写一次。",
        "网址连续性：撤下的信息须说明";
    ReplacedByCycle = "E-REPLACED-BY-CYCLE", Error, "替代文件形成循环",
        "政策文件的 replaced_by 指向它自己，或几个文件的替代关系首尾相连。",
        "改正 replaced_by：新文件替代旧文件，新文件本身不写被它替代的文件。",
        "";
    ReplacedByUnknown = "E-REPLACED-BY-UNKNOWN", Error, "替代文件不存在",
        "replaced_by 中的索引号没有对应的主动公开政策文件。",
        "核对替代文件的索引号。",
        "政府网站与政务新媒体检查指标：可用性（链接可用性）";
    ReportArithmetic = "E-REPORT-ARITHMETIC", Error, "年报数据不平衡",
        "年报数据的算术关系不成立：行的总计不等于各列之和、三（七）总计不等于（一）至（六）之和、一 + 二 不等于 三（七）+ 四，或网站年度报表的办件量、整改数量不符。",
        "按提示逐列核对数字；可以删去 total，由 gongkai 计算。",
        "政府信息公开工作年度报告格式（国办公开办函〔2021〕30号）";
    ReportDuplicate = "E-REPORT-DUPLICATE", Error, "同一年有两份年报",
        "content/reports/ 下两个文件给出了同一年的年报。",
        "每年只保留一个文件。",
        "";
    ReportYear = "E-REPORT-YEAR", Error, "年报年度与文件名不一致",
        "年报文件中的 year 与文件名（如 2016.toml）不一致。",
        "改正 year，或把文件改名为 <年度>.toml。",
        "";
    SlugConflict = "E-SLUG-CONFLICT", Error, "页面网址名冲突",
        "页面的 slug 与网站自己的栏目（policies、lists、search 等）相同，或两个页面的 slug 相同。",
        "换一个 slug。",
        "";
    Template = "E-TEMPLATE", Error, "模板错误",
        "templates/ 或主题中的模板有语法错误，或用了不存在的变量。",
        "按错误信息改正模板；不确定时删去站点的 templates/ 以使用默认主题。",
        "";
    TomlSyntax = "E-TOML-SYNTAX", Error, "TOML 语法错误",
        "头部信息或 TOML 文件不符合 TOML 语法：缺少引号或等号、键重复、日期写法不对等。",
        "按位置检查引号、等号和日期格式，例如 published = 2016-04-26。",
        "";
    UnknownKey = "E-UNKNOWN-KEY", Error, "未知字段",
        "文件中有字段表（docs/zh/内容格式.md）里没有的字段，多为拼写错误。",
        "按提示改为正确的字段名，或删去该字段。",
        "";
    UnsafePath = "E-UNSAFE-PATH", Error, "文件名或路径不安全",
        "文件名、主题名或事项编码含有 ..、/、\\、控制字符等，不能用作网址或输出路径。",
        "改用字母、数字、- 和中文等安全字符。",
        "";
    UnsafeSlug = "E-UNSAFE-SLUG", Error, "slug 含有不允许的字符",
        "页面的 slug 含有英文字母、数字和 - 以外的字符。",
        "例如 slug = \"guide\"。",
        "";
    UrlConflict = "E-URL-CONFLICT", Error, "两处内容写到同一网址",
        "两个页面、旧网址、撤下网址或静态文件要写到同一个输出位置，或一个文件的位置须是另一个的目录。",
        "重命名其中一个文件、修改 slug，或改正 aliases 与 content/removed.toml。",
        "";
    UrlRemoved = "E-URL-REMOVED", Error, "已发布的网址消失",
        "上次发布的网站中有这个网址，本次生成却没有，且没有 aliases 或 content/removed.toml 说明。",
        "文件改名时在新文件的 aliases 中写上旧网址；确需撤下时在 content/removed.toml 中写 [[removed]] url、reason、date。",
        "政府网站发展指引（国办发〔2017〕47号）：已发布的信息不得无故失效";
    ValidityDate = "E-VALIDITY-DATE", Error, "缺少有效性变更日期",
        "政策文件的有效性为已修改、已废止或已失效，但没有 validity_changed。",
        "添加 validity_changed = 2017-01-01（文件修改、废止或失效的日期）。",
        "年报表二“本年废止”的统计依据";
    WrongType = "E-WRONG-TYPE", Error, "字段类型不对",
        "字段的值类型不对：应为字符串却写了数字，应为日期数组却写了字符串，附件、事项的写法不对等。",
        "按提示改写，类型见 docs/zh/内容格式.md。",
        "";
    ColumnEmpty = "W-COLUMN-EMPTY", Warning, "空白栏目",
        "[inspection] columns 中列出的栏目没有任何内容。",
        "为该栏目发布内容，或从 columns 中删去它。",
        "政府网站与政务新媒体检查指标：空白栏目";
    ColumnStale = "W-COLUMN-STALE", Warning, "栏目超过更新期限",
        "栏目最后更新距生成日期超过更新期限（默认按栏目名：动态类 14 天，通知公告、政策类 183 天……；可在 [inspection] limits 中设置）。",
        "及时更新栏目内容。",
        "政府网站与政务新媒体检查指标：栏目更新";
    DocNoFormat = "W-DOC-NO-FORMAT", Warning, "发文字号格式不规范",
        "发文字号不是 机关代字〔年份〕序号号 的格式（如用了圆括号、方括号，序号编了虚位）。",
        "写作 吉政办发〔2016〕24号：六角括号，序号不编虚位，不加“第”。",
        "党政机关公文格式 GB/T 9704-2012 第 7.2.5 条";
    FutureDate = "W-FUTURE-DATE", Warning, "发布日期远在未来",
        "发布日期比生成日期晚一年（366 天）以上，多为年份打错。",
        "核对发布日期的年份。",
        "";
    GuideIncomplete = "W-GUIDE-INCOMPLETE", Warning, "办事指南要素不全",
        "公共服务事项清单中的事项缺少办事指南的要素（设定依据、申请条件、办理材料、办理地点、办理机构、收费标准、办理时间、联系电话、办理流程等）。",
        "补全该事项的要素。",
        "政府网站与政务新媒体检查指标：办事指南要素";
    ImageAlt = "W-IMAGE-ALT", Warning, "图片缺少替代文本",
        "正文中的图片没有替代文本（alt）。",
        "写作 ![图片内容的文字说明](图片文件)，HTML 图片加 alt=\"…\"。",
        "信息无障碍 GB/T 37668-2019（可感知）";
    InspectionVeto = "W-INSPECTION-VETO", Warning, "达到检查指标单项否决",
        "达到检查指标的单项否决条件：5 个以上栏目超过更新期限、网站长期不更新，或 5 个以上办事指南事项各缺 4 项以上要素。",
        "按同时给出的栏目更新或办事指南警告逐项整改。",
        "政府网站与政务新媒体检查指标（国办秘函〔2019〕19号）：单项否决";
    InterpretationEarly = "W-INTERPRETATION-EARLY", Warning, "解读早于所解读文件发布",
        "政策解读的发布日期早于所解读政策文件的发布日期。",
        "核对两个发布日期。",
        "政策解读与政策文件同步发布（国办发〔2016〕19号）";
    LateInterpretation = "W-LATE-INTERPRETATION", Warning, "解读发布过晚",
        "政策解读在所解读文件发布后超过 3 个工作日才发布。",
        "今后与文件同步组织、同步审签、同步部署解读；已发布的核对日期即可。",
        "国办发〔2016〕19号：解读材料应在文件公开后 3 个工作日内发布";
    LatePublication = "W-LATE-PUBLICATION", Warning, "公开超过 20 个工作日",
        "发布日期晚于成文日期 20 个工作日以上。",
        "今后在信息形成之日起 20 个工作日内公开；已发布的核对日期即可。",
        "政府信息公开条例第二十六条";
    MediaHost = "W-MEDIA-HOST", Warning, "已移除外站图片或音视频",
        "正文中的图片或音视频来自其他网站（不在 [check] media_hosts 中），已从页面中移除。",
        "把文件放到本站（static/ 或内容文件旁），或把可信的音视频网站加入 [check] media_hosts。",
        "网站安全：不引用外站资源";
    PolicyExpiring = "W-POLICY-EXPIRING", Warning, "文件即将失效",
        "现行有效的政策文件在 30 天内到达有效期（expires）。",
        "及时评估：需要延续的发布新文件或延长有效期，否则到期后自动显示为已失效。",
        "行政规范性文件有效期制度";
    PrivateUseChar = "W-PRIVATE-USE-CHAR", Warning, "含有私用区字符",
        "文字中含有 Unicode 私用区字符（多为从排版软件粘贴的生僻字或符号），读者会看到方框或乱码。",
        "改为标准汉字或符号；生僻字可用图片并写替代文本。",
        "";
    RegNoMissing = "W-REG-NO-MISSING", Warning, "规范性文件缺少登记号",
        "doc_type = \"行政规范性文件\" 的政策文件没有 reg_no。",
        "添加 reg_no = \"豫政规〔2016〕007\"。",
        "国办发〔2018〕37号：行政规范性文件统一登记、统一编号、统一发布";
    ReplyLate = "W-REPLY-LATE", Warning, "留言答复超过 3 个月",
        "互动回应清单中的留言在收到 3 个月后才答复，或已超过 3 个月仍未答复。",
        "及时答复，并填写 reply 和 replied。",
        "政府网站与政务新媒体检查指标：互动回应";
    ReportCarryover = "W-REPORT-CARRYOVER", Warning, "上年结转与上年年报不一致",
        "本年年报的“上年结转”与上一年年报的“结转下年度继续办理”不一致。",
        "核对两年的数字。",
        "政府信息公开工作年度报告格式（国办公开办函〔2021〕30号）";
    ReportMissing = "W-REPORT-MISSING", Warning, "缺少上一年的年报",
        "已过公布期限（政府 3 月 31 日、部门 1 月 31 日），content/reports/ 下仍没有上一年的年报。",
        "添加 content/reports/<上一年>.toml。",
        "政府信息公开条例第四十九条、第五十条";
    Symlink = "W-SYMLINK", Warning, "已跳过符号链接",
        "内容或静态文件目录中有符号链接；gongkai 不跟随它（它可能指向网站目录以外的文件）。",
        "把文件本身放到这里。",
        "";
    UnsafeUrl = "W-UNSAFE-URL", Warning, "已移除不安全的链接",
        "正文中的链接不是 http、https、mailto 或 tel 链接（如 javascript:），已从页面中移除。",
        "改用 http、https、mailto 或 tel 链接。",
        "网站安全：防止跨站脚本";
    WebsiteReportMissing = "W-WEBSITE-REPORT-MISSING", Warning, "缺少上一年的网站年度报表",
        "已过 1 月 31 日，上一年有发布内容，但上一年的年报文件中没有 [website] 表。",
        "在 content/reports/<上一年>.toml 中添加 [website]。",
        "政府网站发展指引（国办函〔2018〕12号）：政府网站工作年度报表";
}

impl Code {
    /// The code written as `s` (`E-BROKEN-LINK`).
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The anchor of the code in the docs (the code itself: `#E-BROKEN-LINK`).
    pub fn anchor(self) -> &'static str {
        self.as_str()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
    }
}

/// `docs/zh/检查规则.md`: every code with 触发条件, 修改方法 and 依据.
pub fn rules_zh() -> String {
    let mut out = String::from(
        "# 检查规则\n\n\
         <!-- 由 gongkai 生成（src/diagnostics/code.rs），请勿手改：运行 `gongkai docs` 重新生成。 -->\n\n\
         `gongkai check` 和 `gongkai build` 报告的每一个问题都有一个代码：以 `E-` 开头的是**错误**\
         （网站不会生成），以 `W-` 开头的是**警告**（网站照常生成，`--strict` 时也算失败）。\
         每条信息都给出文件、行和列，以及修改提示。\n\n| 代码 | 级别 | 含义 |\n| --- | --- | --- |\n",
    );
    for c in Code::ALL {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} |",
            c.as_str(),
            c.anchor(),
            severity_zh(c.severity()),
            c.title()
        );
    }
    for c in Code::ALL {
        let d = c.doc();
        let _ = write!(
            out,
            "\n<a id=\"{}\"></a>\n\n## {} {}\n\n级别：{}\n\n**触发条件**：{}\n\n**修改方法**：{}\n",
            c.anchor(),
            c.as_str(),
            c.title(),
            severity_zh(c.severity()),
            d.trigger,
            d.fix
        );
        if !d.basis.is_empty() {
            let _ = writeln!(out, "\n**依据**：{}", d.basis);
        }
    }
    out
}

/// `docs/codes.md`: the index of every code, linking to the Chinese rules.
pub fn codes_md() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\n\
         <!-- Generated from src/diagnostics/code.rs; do not edit: run `gongkai docs`. -->\n\n\
         Every problem `gongkai check` and `gongkai build` report has a code. `E-` codes are errors \
         (the site is not built), `W-` codes warnings (`--strict` fails on them too). The codes never \
         change: scripts and the JSON output (`check --format json`) rely on them. What trips each \
         one, how to fix it and the rule it comes from: [docs/zh/检查规则.md](zh/检查规则.md).\n\n\
         | code | severity | 含义 |\n| --- | --- | --- |\n",
    );
    for c in Code::ALL {
        let sev = match c.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "| [`{}`](zh/检查规则.md#{}) | {sev} | {} |",
            c.as_str(),
            c.anchor(),
            c.title()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_unique_and_prefixed_by_severity() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c} twice");
            let prefix = match c.severity() {
                Severity::Error => "E-",
                Severity::Warning => "W-",
            };
            assert!(c.as_str().starts_with(prefix), "{c}");
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(
                !c.title().is_empty() && !c.doc().trigger.is_empty() && !c.doc().fix.is_empty()
            );
        }
    }

    #[test]
    fn all_is_sorted_errors_first() {
        let strings: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let mut sorted = strings.clone();
        sorted.sort();
        assert_eq!(strings, sorted);
    }

    #[test]
    fn serializes_as_its_string() {
        assert_eq!(
            serde_json::to_string(&Code::BrokenLink).unwrap(),
            "\"E-BROKEN-LINK\""
        );
    }
}
