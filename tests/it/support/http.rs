//! HTTP for the tests: a raw HTTP/1.1 GET (the path goes on the wire exactly as given) and a
//! running `gongkai serve` on an ephemeral port, killed when dropped.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a wait may poll before the test fails: only a hang reaches it.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub struct Response {
    pub status: u16,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(&name.to_ascii_lowercase()).cloned()
    }

    /// The header's value, "" when absent.
    pub fn header_str(&self, name: &str) -> &str {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// `GET path` with the given `Host` (none: no header) and extra header lines (each ending in
/// `\r\n`); a chunked body is decoded.
pub fn try_get(
    addr: SocketAddr,
    path: &str,
    host: Option<&str>,
    extra: &str,
    timeout: Duration,
) -> std::io::Result<Response> {
    let bad = |what: &str| std::io::Error::other(what.to_string());
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(timeout))?;
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\n{host}Connection: close\r\n{extra}\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("an incomplete response"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| bad("no status code"))?;
    let mut headers = BTreeMap::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            headers
                .entry(k.trim().to_ascii_lowercase())
                .or_insert_with(|| v.trim().to_string());
        }
    }
    let mut body = raw[split + 4..].to_vec();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// [`try_get`] that fails the test on a network error.
pub fn get(addr: SocketAddr, path: &str, host: Option<&str>, extra: &str) -> Response {
    try_get(addr, path, host, extra, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("GET {path} from {addr}: {e}"))
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = body.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[..nl]).trim(), 16).unwrap_or(0);
        if size == 0 || body.len() < nl + 2 + size {
            break;
        }
        out.extend_from_slice(&body[nl + 2..nl + 2 + size]);
        body = &body[(nl + 4 + size).min(body.len())..];
    }
    out
}

/// A running `gongkai serve --port 0` (`SOURCE_DATE_EPOCH` 2016-12-01), killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `gongkai serve` on `site` and waits for the address it prints.
    pub fn start(site: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["serve", "--root"])
            .arg(site)
            .args(["--port", "0"])
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", super::EPOCH)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gongkai serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let mut port = None;
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(rest) = line.trim().strip_prefix("正在预览：http://127.0.0.1:") {
                port = rest.trim_end_matches('/').parse().ok();
                break;
            }
            line.clear();
        }
        // Keep draining stdout so the server never blocks on it.
        std::thread::spawn(move || for _ in out.lines() {});
        let port = port.unwrap_or_else(|| {
            panic!(
                "serve printed no address; stderr:\n{}",
                stderr.lock().unwrap()
            )
        });
        Server {
            child,
            port,
            stderr,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// What serve printed on stderr so far.
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// A GET with serve's own `Host`.
    pub fn get(&self, path: &str) -> Response {
        self.get_with_host(path, Some(&format!("127.0.0.1:{}", self.port)))
    }

    /// [`Server::get`] with the given `Host` header (none: no header).
    pub fn get_with_host(&self, path: &str, host: Option<&str>) -> Response {
        get(self.addr(), path, host, "")
    }

    /// The body of a GET, or None when the request fails or is not answered 200.
    pub fn get_ok(&self, path: &str) -> Option<Vec<u8>> {
        let host = format!("127.0.0.1:{}", self.port);
        let r = try_get(self.addr(), path, Some(&host), "", Duration::from_secs(30)).ok()?;
        (r.status == 200).then_some(r.body)
    }

    /// Polls until `f` holds.
    pub fn wait(&self, what: &str, mut f: impl FnMut(&Server) -> bool) {
        let start = Instant::now();
        while !f(self) {
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; serve log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
