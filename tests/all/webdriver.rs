//! The browser harness: a real headless Chromium driven through chromedriver by fantoccini.
//!
//! `Browser::start()` (1280×900) or `Browser::phone()` (390×844) starts chromedriver on a free
//! port, opens a session and ends both when dropped. Its methods are synchronous and panic with
//! the selector in the message, so a test reads as a sequence of steps; conditions are waited
//! for with a bounded timeout, never a sleep. If Chromium or chromedriver is missing, the test
//! fails and says what to install. `text`, `click`, `fill` panic when nothing
//! matches: in a `wait_until` condition on an element that may not exist yet, use `visible` or
//! `find`. `http_get_status` checks a status code (which `WebDriver` cannot read) with a plain
//! HTTP request; `client()` and `block_on` reach the rest of fantoccini.
//!
//! ```ignore
//! let browser = Browser::start();
//! browser.goto(&format!("http://{addr}/quiz"));
//! browser.fill("#code", "K7PQM-3XWTA");
//! browser.click("form[action='/quiz'] button");
//! browser.wait_until("the questions", WAIT, |b| b.visible("fieldset.question"));
//! assert!(browser.text("#avancement").ends_with("sur 40"));
//! assert_eq!(http_get_status(&format!("http://{addr}/quiz/epreuve/etat"), None), 401);
//! ```

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Chromium binary (Debian's `chromium`).
const CHROMIUM: &str = "/usr/bin/chromium";
/// Where to install what a browser test needs.
const INSTALL: &str = "apt-get install chromium chromium-driver (scripts/system-deps.sh; CI installs them)";
/// The usual bound of a wait: a page step on a loaded CI machine.
pub const WAIT: Duration = Duration::from_secs(10);
/// The desktop window.
pub const DESKTOP: (u32, u32) = (1280, 900);
/// A phone-size window (an iPhone 12–15 in CSS pixels).
pub const PHONE: (u32, u32) = (390, 844);

/// A headless Chromium session and the chromedriver serving it; both end on drop.
pub struct Browser {
    client: Client,
    runtime: tokio::runtime::Runtime,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let client = self.client.clone();
        let _ = self
            .runtime
            .block_on(async { tokio::time::timeout(Duration::from_secs(10), client.close()).await });
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The chromedriver binary: on the `PATH`, else Debian's.
fn chromedriver() -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromedriver"))
        .chain([PathBuf::from("/usr/bin/chromedriver")])
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("browser tests need chromedriver, found neither on PATH nor in /usr/bin: {INSTALL}")
        })
}

/// Starts chromedriver on a free port and waits until its `/status` says it is ready.
fn start_driver() -> (Child, u16) {
    let binary = chromedriver();
    // The port is free when asked for, not necessarily when chromedriver binds it: try again.
    for _ in 0..3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut driver = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}; {INSTALL}", binary.display()));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = driver.try_wait().unwrap() {
                eprintln!("chromedriver exited at start ({status}) on port {port}");
                break;
            }
            if get(&format!("http://127.0.0.1:{port}/status"), None)
                .is_ok_and(|(status, body)| status == 200 && body.contains("\"ready\":true"))
            {
                return (driver, port);
            }
            if Instant::now() >= deadline {
                let _ = driver.kill();
                let _ = driver.wait();
                panic!("chromedriver did not answer on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!("chromedriver would not start on three free ports");
}

impl Browser {
    /// A desktop window, 1280×900.
    pub fn start() -> Browser {
        Browser::with_window(DESKTOP)
    }

    /// A phone-size window, 390×844.
    pub fn phone() -> Browser {
        Browser::with_window(PHONE)
    }

    /// A window of `(width, height)` CSS pixels.
    pub fn with_window((width, height): (u32, u32)) -> Browser {
        assert!(Path::new(CHROMIUM).is_file(), "browser tests need Chromium at {CHROMIUM}: {INSTALL}");
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let (driver, port) = start_driver();
        let profile = tempfile::tempdir().unwrap();
        let options = json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync",
                     format!("--window-size={width},{height}"),
                     format!("--user-data-dir={}", profile.path().display())],
        });
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = runtime
            .block_on(
                ClientBuilder::new(connector)
                    .capabilities(capabilities)
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .unwrap_or_else(|e| panic!("chromedriver opened no Chromium session: {e}"));
        let browser = Browser { client, runtime, driver, _profile: profile };
        // `--window-size` sets the outer window: make the page itself that size.
        let sizes = browser
            .execute("return [window.innerWidth, window.innerHeight, window.outerWidth, window.outerHeight]");
        let size = |i: usize| sizes[i].as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        if (size(0), size(1)) != (width, height) {
            let outer = (width + size(2).saturating_sub(size(0)), height + size(3).saturating_sub(size(1)));
            browser
                .block_on(browser.client.set_window_size(outer.0, outer.1))
                .unwrap_or_else(|e| panic!("cannot size the window to {width}×{height}: {e}"));
        }
        browser
    }

    /// The fantoccini client, for what the helpers do not cover (with [`Browser::block_on`]).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs a future of the client on the browser's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Opens `url` and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.block_on(self.client.goto(url)).unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// Reloads the page.
    pub fn refresh(&self) {
        self.block_on(self.client.refresh()).unwrap_or_else(|e| panic!("cannot refresh: {e}"));
    }

    /// The address of the page shown.
    pub fn current_url(&self) -> String {
        self.block_on(self.client.current_url()).unwrap().to_string()
    }

    /// The first element matching `css`, if any.
    pub fn find(&self, css: &str) -> Option<Element> {
        self.block_on(self.client.find(Locator::Css(css))).ok()
    }

    fn element(&self, css: &str) -> Element {
        self.find(css).unwrap_or_else(|| panic!("no element matches {css} on {}", self.current_url()))
    }

    /// Clears the field `css` and types `text` into it.
    pub fn fill(&self, css: &str, text: &str) {
        let field = self.element(css);
        self.block_on(async {
            field.clear().await?;
            field.send_keys(text).await
        })
        .unwrap_or_else(|e| panic!("cannot fill {css}: {e}"));
    }

    /// Clicks the element `css`.
    pub fn click(&self, css: &str) {
        let element = self.element(css);
        self.block_on(element.click()).unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// The text of the element `css` as shown (empty when it is hidden).
    pub fn text(&self, css: &str) -> String {
        let element = self.element(css);
        self.block_on(element.text()).unwrap_or_else(|e| panic!("cannot read {css}: {e}"))
    }

    /// Whether the element `css` exists and is shown.
    pub fn visible(&self, css: &str) -> bool {
        self.find(css).is_some_and(|e| self.block_on(e.is_displayed()).unwrap_or(false))
    }

    /// Runs `script` in the page and returns what it returns.
    pub fn execute(&self, script: &str) -> Value {
        self.block_on(self.client.execute(script, Vec::new()))
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits at most `timeout` until `ok` holds, checking every 100 ms; `what` names it.
    pub fn wait_until(&self, what: &str, timeout: Duration, ok: impl Fn(&Browser) -> bool) {
        let deadline = Instant::now() + timeout;
        while !ok(self) {
            if Instant::now() >= deadline {
                let shot = std::env::temp_dir().join(format!("cqpt-browser-{}.png", std::process::id()));
                let saved = self
                    .block_on(self.client.screenshot())
                    .map_err(|e| e.to_string())
                    .and_then(|png| std::fs::write(&shot, png).map_err(|e| e.to_string()))
                    .map_or_else(
                        |e| format!("no screenshot: {e}"),
                        |()| format!("screenshot: {}", shot.display()),
                    );
                let page =
                    self.block_on(self.client.current_url()).map(|u| u.to_string()).unwrap_or_default();
                panic!("timed out after {timeout:?} waiting for {what} on {page} ({saved})");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a PNG of the window at `path`.
    pub fn screenshot(&self, path: &Path) {
        let png = self.block_on(self.client.screenshot()).unwrap_or_else(|e| panic!("no screenshot: {e}"));
        std::fs::write(path, png).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// The status code of `GET url` (plain `http://host:port/path`), with a `Cookie` header if
/// given. `WebDriver` cannot see status codes; this is a bare HTTP request, not a browser.
pub fn http_get_status(url: &str, cookie: Option<&str>) -> u16 {
    get(url, cookie).unwrap_or_else(|e| panic!("GET {url}: {e}")).0
}

/// `GET url` over a plain TCP connection: the status and the body (as long as Content-Length
/// says, or to the end when the server closes).
fn get(url: &str, cookie: Option<&str>) -> std::io::Result<(u16, String)> {
    let rest = url
        .strip_prefix("http://")
        .unwrap_or_else(|| panic!("only plain http:// addresses are supported: {url}"));
    let (host, path) = rest.find('/').map_or((rest, "/"), |i| rest.split_at(i));
    let mut stream = TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n")?;
    // `BufRead` and `read_exact` retry when a signal interrupts a read (EINTR).
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, format!("no status line: {line:?}"))
    })?;
    let mut length = None;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = Vec::new();
    match length {
        Some(n) => {
            body.resize(n, 0);
            reader.read_exact(&mut body)?;
        }
        None => {
            reader.read_to_end(&mut body)?;
        }
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

#[test]
fn the_harness_opens_a_phone_size_window_and_reads_status_codes() {
    let dir = tempfile::tempdir().unwrap();
    let server = crate::workspace_durability::Server::start(&dir.path().join("cqpt.sqlite"));
    let browser = Browser::phone();
    let url = format!("http://{}/quiz", server.addr);
    browser.goto(&url);
    browser.wait_until("the code form", WAIT, |b| b.visible("#code"));
    assert_eq!(browser.current_url(), url);
    assert_eq!(browser.block_on(browser.client().title()).unwrap(), "Quiz — code d'accès — cqpt");
    let size = browser.execute("return [window.innerWidth, window.innerHeight]");
    assert_eq!(size, json!([PHONE.0, PHONE.1]));
    browser.fill("#code", "not a code");
    browser.fill("#code", "GUESS-0001");
    assert_eq!(browser.execute("return document.getElementById('code').value"), "GUESS-0001");
    browser.click("form[action='/quiz'] button");
    browser.wait_until("the refusal", WAIT, |b| b.visible(".alert"));
    let shot = dir.path().join("phone.png");
    browser.screenshot(&shot);
    assert!(std::fs::read(&shot).unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(http_get_status(&url, None), 200);
    assert_eq!(http_get_status(&format!("{url}/epreuve/etat"), None), 401);
    assert_eq!(http_get_status(&format!("{url}/epreuve/etat"), Some("cqpt_place=forged")), 401);
    server.kill();
}

#[test]
fn the_harness_opens_a_desktop_window() {
    let browser = Browser::start();
    browser.goto("data:text/html,<p id=greeting>Bonjour</p>");
    assert_eq!(browser.text("#greeting"), "Bonjour");
    assert!(browser.visible("#greeting") && !browser.visible("#missing"));
    assert!(browser.find("#missing").is_none());
    let size = browser.execute("return [window.innerWidth, window.innerHeight]");
    assert_eq!(size, json!([DESKTOP.0, DESKTOP.1]));
}
