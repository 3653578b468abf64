//! End to end: the market demo's topology on the io_uring engine, its
//! inspector on 127.0.0.1:0, and the dashboard in headless Chromium, driven
//! over WebDriver (`fantoccini` against Debian's `/usr/bin/chromedriver`).
//!
//! The test runs the demo's own code: `examples/market_demo.rs` is included
//! below as a module (an example has no `CARGO_BIN_EXE_…`, and a module of
//! the library would ship demo code to every user of ringmq).
//!
//! It checks what a user looks at: the stream is connected, the
//! publisher's sent counter moves, the slow subscriber's pipe is mute and
//! the publisher's HWM drops are counted, a latency plot is drawn and the
//! event log has entries. It saves a screenshot to
//! `target/dashboard-e2e.png`.
//!
//! Chromium, chromedriver and the built dashboard are installed by
//! `scripts/test`; without them this test fails and says so, unless
//! `RINGMQ_SKIP_BROWSER_TESTS=1` is set.

// The inspector is a cargo feature (on by default); without it there is
// nothing to look at.
#![cfg(feature = "inspector")]

#[path = "../examples/market_demo.rs"]
#[allow(dead_code)]
mod market_demo;

use fantoccini::{Client, ClientBuilder, Locator};
use market_demo::{Config, Demo};
use ringmq as zmq;
use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's, unless `CHROMEDRIVER` (the variable wasm-bindgen-test-runner
/// reads too) names another.
fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// Debian's, unless `CHROMIUM` names another.
fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

/// The whole browser session, from chromedriver's start to the screenshot.
const SESSION_TIMEOUT: Duration = Duration::from_secs(45);
/// One condition on the page.
const STEP_TIMEOUT: Duration = Duration::from_secs(15);

/// What is missing for this test, if anything.
fn missing_prerequisites() -> Vec<String> {
    let mut missing = Vec::new();
    for (path, what) in [
        (chromedriver(), "chromium-driver"),
        (chromium(), "chromium"),
    ] {
        if !Path::new(&path).exists() {
            missing.push(format!("{path} (Debian package {what})"));
        }
    }
    if !zmq::inspector::dashboard_built() {
        missing.push(
            "the dashboard, which was not built when ringmq was compiled \
             (inspector-web/dist/, made by scripts/build-inspector)"
                .to_string(),
        );
    }
    missing
}

fn skip_requested() -> bool {
    std::env::var("RINGMQ_SKIP_BROWSER_TESTS").is_ok_and(|v| v == "1")
}

/// `target/` of the workspace, where the screenshot goes.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("ringmq/ sits in the workspace")
        .join("target")
}

/// A chromedriver of ours, on a free port; killed when dropped.
struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    fn start(log: &Path) -> ChromeDriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver()));
        let mut driver = ChromeDriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                panic!(
                    "{} exited at start ({status}); its log: {}",
                    chromedriver(),
                    log.display()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} did not listen on port {port} within 10 s",
                chromedriver()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `probe` every 200 ms until it gives a value, for at most
/// [`STEP_TIMEOUT`]; the error says what was seen last.
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        match probe().await {
            Ok(v) => return Ok(v),
            Err(last) if Instant::now() >= deadline => {
                return Err(format!(
                    "{what}: not within {} s (last seen: {last})",
                    STEP_TIMEOUT.as_secs()
                ))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn testid(id: &str) -> String {
    format!("[data-testid='{id}']")
}

async fn text_of(c: &Client, id: &str) -> Result<String, String> {
    let e = c
        .find(Locator::Css(&testid(id)))
        .await
        .map_err(|e| format!("no element {id}: {e}"))?;
    e.text().await.map_err(|e| format!("text of {id}: {e}"))
}

/// A counter as the dashboard prints it (`1,234,567`).
async fn count_of(c: &Client, id: &str) -> Result<u64, String> {
    let text = text_of(c, id).await?;
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse()
        .map_err(|_| format!("{id} shows {text:?}, not a count"))
}

async fn attr_of(c: &Client, id: &str, attr: &str) -> Result<String, String> {
    let e = c
        .find(Locator::Css(&testid(id)))
        .await
        .map_err(|e| format!("no element {id}: {e}"))?;
    e.attr(attr)
        .await
        .map_err(|e| format!("{attr} of {id}: {e}"))?
        .ok_or_else(|| format!("{id} has no {attr}"))
}

/// The checks, in the order a user would make them. `publisher` is the
/// XPUB's socket id, `slow_pipe` the id of its pipe to the slow subscriber.
async fn check_dashboard(c: &Client, publisher: u64, slow_pipe: &str) -> Result<(), String> {
    let status = eventually("the status shows connected", || async {
        let state = attr_of(c, "connection-status", "data-state").await?;
        let text = text_of(c, "connection-status").await?;
        if state == "connected" {
            Ok(text)
        } else {
            Err(format!("data-state={state:?}, {text:?}"))
        }
    })
    .await?;
    eprintln!("status: {status:?}");

    let sent = format!("msgs-sent-{publisher}");
    let first = eventually("the publisher's sent counter", || count_of(c, &sent)).await?;
    let later = eventually("the publisher's sent counter to move", || async {
        let n = count_of(c, &sent).await?;
        if n > first {
            Ok(n)
        } else {
            Err(format!("still {n}"))
        }
    })
    .await?;
    eprintln!("publisher sent: {first} then {later}");

    let pipe = format!("pipe-{slow_pipe}");
    let drops = format!("drops-hwm-{publisher}");
    let dropped = eventually("the slow subscriber's pipe mute, with drops", || async {
        let muted = attr_of(c, &pipe, "data-muted").await?;
        let dropped = count_of(c, &drops).await?;
        if muted == "true" && dropped > 0 {
            Ok(dropped)
        } else {
            Err(format!("data-muted={muted:?}, {dropped} dropped"))
        }
    })
    .await?;
    eprintln!("slow subscriber's pipe: mute, publisher's HWM drops {dropped}");

    let plot = format!("latency-plot-{publisher}");
    let path = eventually("the publisher's latency plot drawn", || async {
        let paths = c
            .find_all(Locator::Css(&format!("{} path", testid(&plot))))
            .await
            .map_err(|e| e.to_string())?;
        for p in paths {
            let d = p.attr("d").await.map_err(|e| e.to_string())?;
            if let Some(d) = d.filter(|d| d.matches(['L', 'l']).count() >= 2) {
                return Ok(d);
            }
        }
        Err(format!("{plot} has no drawn path"))
    })
    .await?;
    eprintln!("latency path: {:.60}…", path);

    let events = eventually("entries in the event log", || async {
        let rows = c
            .find_all(Locator::Css(&format!("{} tr", testid("event-log"))))
            .await
            .map_err(|e| e.to_string())?;
        if rows.is_empty() {
            Err(text_of(c, "event-log").await?)
        } else {
            Ok(rows.len())
        }
    })
    .await?;
    eprintln!("event log: {events} entries");
    Ok(())
}

async fn browse(
    driver: &ChromeDriver,
    profile: &Path,
    dashboard: &str,
    publisher: u64,
    slow_pipe: &str,
    screenshot: &Path,
) -> Result<(), String> {
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium(),
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,1400",
                format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    let serde_json::Value::Object(caps) = caps else {
        unreachable!("an object")
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url())
        .await
        .map_err(|e| format!("no WebDriver session from {}: {e}", chromedriver()))?;
    let outcome = async {
        client
            .goto(dashboard)
            .await
            .map_err(|e| format!("opening {dashboard}: {e}"))?;
        check_dashboard(&client, publisher, slow_pipe).await
    }
    .await;
    // The screenshot is taken either way: on a failure it shows why.
    let shot = client
        .screenshot()
        .await
        .map_err(|e| format!("screenshot: {e}"))
        .and_then(|png| {
            std::fs::write(screenshot, png).map_err(|e| format!("{}: {e}", screenshot.display()))
        });
    let _ = client.close().await;
    outcome?;
    shot
}

#[test]
fn dashboard_shows_the_market_demo() {
    let started = Instant::now();
    let missing = missing_prerequisites();
    if !missing.is_empty() {
        if skip_requested() {
            eprintln!("skipped (RINGMQ_SKIP_BROWSER_TESTS=1): missing {missing:?}");
            return;
        }
        panic!(
            "the dashboard's browser test needs {}; run scripts/test, which installs them \
             (or set RINGMQ_SKIP_BROWSER_TESTS=1 to skip this test)",
            missing.join(", ")
        );
    }

    let ctx = zmq::Context::new();
    let inspector = ctx
        .serve_inspector("127.0.0.1:0")
        .expect("serve the inspector");
    let config = Config {
        // Modest, for a debug build on two cores; the publisher's small
        // queue makes the slow subscriber's pipe mute within seconds.
        quote_rate: 10_000,
        order_rate: 300,
        publisher_sndhwm: 1_000,
        ..Config::default()
    };
    let demo = match Demo::start(&ctx, &config) {
        Ok(demo) => demo,
        Err(zmq::Error::EMTHREAD) if std::env::var_os("RINGMQ_SKIP_IO_TESTS").is_some() => {
            eprintln!("skipped: tcp unavailable here (RINGMQ_SKIP_IO_TESTS is set)");
            return;
        }
        Err(e) => panic!(
            "the demo topology did not start: {e} ({})",
            ctx.engine_error().unwrap_or_default()
        ),
    };

    // The ids the dashboard's elements are named by.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (publisher, slow_pipe) = loop {
        if let Some((id, pipe)) = market_demo::slow_pipe(&ctx.snapshot()) {
            break (id, pipe.id.clone());
        }
        assert!(
            Instant::now() < deadline,
            "the slow subscriber never attached to the publisher"
        );
        std::thread::sleep(Duration::from_millis(20));
    };

    let tmp = tempfile::tempdir().expect("a temporary directory");
    let profile = tmp.path().join("chromium-profile");
    let driver = ChromeDriver::start(&tmp.path().join("chromedriver.log"));
    let screenshot = target_dir().join("dashboard-e2e.png");
    std::fs::create_dir_all(target_dir()).expect("create target/");
    let dashboard = format!("http://{inspector}/");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let outcome = runtime.block_on(async {
        tokio::time::timeout(
            SESSION_TIMEOUT,
            browse(
                &driver,
                &profile,
                &dashboard,
                publisher,
                &slow_pipe,
                &screenshot,
            ),
        )
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "the browser session took more than {} s",
                SESSION_TIMEOUT.as_secs()
            ))
        })
    });
    drop(driver);
    let stopped = demo.stop();
    drop(ctx);
    eprintln!(
        "screenshot: {}; {:.1} s in all",
        screenshot.display(),
        started.elapsed().as_secs_f64()
    );
    if let Err(why) = outcome {
        panic!("{why}\n(screenshot, if any: {})", screenshot.display());
    }
    stopped.expect("the demo's threads ended cleanly");
}
