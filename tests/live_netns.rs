//! End to end on a real link: two network namespaces joined by a veth pair
//! (as `sample-captures/record.sh` builds them), a Python HTTP server in one
//! and curl in the other, fetching a file slowly (`--limit-rate`). While
//! the transfer runs, `wirelens -i` (in tmux) shows the handshake and the
//! GET; tcpdump captures the same link with the same filter. Afterwards
//! the `-w` file holds the same packets as tcpdump's: count, bytes, and
//! each packet's data.
//!
//! Needs root, `ip netns`, tmux, tcpdump, curl and python3: skipped with
//! the reason otherwise. Under CI=true a machine that has them runs it (a
//! missing tool is a skip there too, said in the output; not being able to
//! create namespaces as root is a skip as well, since containers forbid it).

#[path = "e2e_tui/tmux.rs"]
mod tmux;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tmux::{sh_quote, Tmux};

fn ok(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(args: &[&str]) {
    let status = Command::new(args[0])
        .args(&args[1..])
        .status()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(status.success(), "{args:?} failed");
}

/// Why the test cannot run here, if it cannot.
fn missing() -> Option<String> {
    let uid = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Some("not root".into());
    }
    if !tmux::available() {
        return Some("tmux is not installed".into());
    }
    for tool in ["ip", "tcpdump", "curl", "python3"] {
        if !ok(Command::new("sh").args(["-c", &format!("command -v {tool}")])) {
            return Some(format!("{tool} is not installed"));
        }
    }
    None
}

/// The namespaces and the veth pair, removed again on drop.
struct Link {
    client: String,
    server: String,
    children: Vec<Child>,
}

impl Drop for Link {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for ns in [&self.client, &self.server] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

/// An HTTP server that sends its one file slowly (GET; HEAD is refused at
/// once, for the readiness check).
const SLOW_SERVER: &str = r#"
import http.server, sys, time
class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = open(sys.argv[2], 'rb').read()
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        for i in range(0, len(body), 10000):
            self.wfile.write(body[i:i + 10000])
            self.wfile.flush()
            time.sleep(0.03)
    def log_message(self, *args):
        pass
http.server.HTTPServer((sys.argv[1], 8080), Slow).serve_forever()
"#;

const IP_C: &str = "10.79.0.1";
const IP_S: &str = "10.79.0.2";

fn build_link() -> Result<Link, String> {
    let id = std::process::id() % 100_000;
    let link = Link {
        client: format!("wlt-c{id}"),
        server: format!("wlt-s{id}"),
        children: Vec::new(),
    };
    if !ok(Command::new("ip").args(["netns", "add", &link.client])) {
        return Err("cannot create a network namespace here".into());
    }
    if !ok(Command::new("ip").args(["netns", "add", &link.server])) {
        return Err("cannot create a second network namespace here".into());
    }
    let (c, s) = (link.client.clone(), link.server.clone());
    run(&[
        "ip", "link", "add", "wl-c", "netns", &c, "type", "veth", "peer", "name", "wl-s", "netns",
        &s,
    ]);
    for (ns, ifc, ip) in [(&c, "wl-c", IP_C), (&s, "wl-s", IP_S)] {
        run(&[
            "ip",
            "-n",
            ns,
            "addr",
            "add",
            &format!("{ip}/24"),
            "dev",
            ifc,
        ]);
        run(&["ip", "-n", ns, "link", "set", ifc, "up"]);
        run(&["ip", "-n", ns, "link", "set", "lo", "up"]);
        // Segments as sent on the wire (no offloads), where ethtool is there.
        let _ = Command::new("ip")
            .args([
                "netns", "exec", ns, "ethtool", "-K", ifc, "tso", "off", "gso", "off", "gro", "off",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    Ok(link)
}

fn packets(path: &Path) -> Vec<(u32, Vec<u8>)> {
    let trace = wirelens::trace::Trace::open(path).expect("a capture");
    assert!(
        trace.error.is_none(),
        "{}: {:?}",
        path.display(),
        trace.error
    );
    (0..trace.store.len())
        .map(|i| {
            let e = trace.store.entry(i).expect("entry");
            (e.orig_len, trace.store.data(i).to_vec())
        })
        .collect()
}

#[test]
fn an_http_transfer_on_a_veth_is_shown_live_and_saved_as_tcpdump_saw_it() {
    if let Some(why) = missing() {
        println!("live capture e2e skipped: {why}");
        return;
    }
    let mut link = match build_link() {
        Ok(l) => l,
        Err(why) => {
            println!("live capture e2e skipped: {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let www = dir.path().join("www");
    std::fs::create_dir(&www).expect("www");
    // 1 MB in 10 kB pieces every 30 ms: three seconds of transfer to watch.
    let body: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(www.join("big.bin"), &body).expect("file");

    let server = Command::new("ip")
        .args([
            "netns",
            "exec",
            &link.server,
            "python3",
            "-c",
            SLOW_SERVER,
            IP_S,
        ])
        .arg(www.join("big.bin"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server");
    link.children.push(server);
    // The server answers (before the captures start: these requests are not in them).
    let ready = Instant::now();
    while !ok(Command::new("ip").args([
        "netns",
        "exec",
        &link.client,
        "curl",
        "-sS",
        "-I",
        "-o",
        "/dev/null",
        "--max-time",
        "1",
        &format!("http://{IP_S}:8080/"),
    ])) {
        assert!(
            ready.elapsed() < Duration::from_secs(20),
            "the HTTP server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let filter = "tcp port 8080";
    let tcpdump_file = dir.path().join("tcpdump.pcap");
    let tcpdump = Command::new("ip")
        .args([
            "netns",
            "exec",
            &link.client,
            "tcpdump",
            "-i",
            "wl-c",
            "-U",
            "-s",
            "262144",
            "-w",
        ])
        .arg(&tcpdump_file)
        .arg(filter)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tcpdump");
    // "listening on wl-c ..." once it captures.
    let mut tcpdump = tcpdump;
    let mut said = String::new();
    let mut stderr = std::io::BufReader::new(tcpdump.stderr.take().expect("stderr"));
    std::io::BufRead::read_line(&mut stderr, &mut said).expect("tcpdump says");
    assert!(said.contains("listening on"), "tcpdump: {said}");
    link.children.push(tcpdump);

    let wl_file = dir.path().join("wirelens.pcapng");
    let command = format!(
        "ip netns exec {} {} -i wl-c -f {} -w {}; echo EXITED $?; sleep 5",
        link.client,
        sh_quote(Path::new(env!("CARGO_BIN_EXE_wirelens"))),
        sh_quote(Path::new(filter)),
        sh_quote(&wl_file)
    );
    let tmux = Tmux::start(&command, dir.path(), 160, 45);
    tmux.wait_for("LIVE, following");
    // g goes to the top of the list, which stops following the tail: the
    // first packets stay on screen as they arrive (followed, they scroll
    // away within a tenth of a second at this rate).
    tmux.keys(&["g"]);
    tmux.wait_for("paused (G/End follows)");
    let mut curl = Command::new("ip")
        .args(["netns", "exec", &link.client, "curl", "-sS", "-o"])
        .arg(dir.path().join("got.bin"))
        .arg(format!("http://{IP_S}:8080/big.bin"))
        .spawn()
        .expect("curl");
    // While the transfer runs: the handshake and the GET on screen.
    let s = tmux.wait("the handshake and the GET", |s| {
        s.contains("[SYN]") && s.contains("[SYN, ACK]") && s.contains("GET /big.bin HTTP/1.1")
    });
    assert!(
        curl.try_wait().expect("curl").is_none(),
        "the transfer was still running when the GET showed:\n{s}"
    );
    assert!(curl.wait().expect("curl").success());
    assert_eq!(
        std::fs::read(dir.path().join("got.bin")).expect("got"),
        body
    );
    // The connection closes (the client's FIN may come a while after the
    // body): once tcpdump's file stops growing and the TUI counts as many
    // packets, both captures stop.
    let settled = Instant::now();
    let mut last = usize::MAX;
    loop {
        std::thread::sleep(Duration::from_millis(700));
        let n = packets(&tcpdump_file).len();
        if n == last && tmux.screen().contains(&format!(" {n} packets │")) {
            break;
        }
        last = n;
        assert!(
            settled.elapsed() < Duration::from_secs(20),
            "the captures did not settle:\n{}",
            tmux.screen()
        );
    }
    tmux.keys(&["q"]);
    tmux.wait_for("EXITED 0");
    let tcpdump = link.children.pop().expect("tcpdump");
    let _ = Command::new("kill")
        .args(["-INT", &tcpdump.id().to_string()])
        .status();
    let mut tcpdump = tcpdump;
    tcpdump.wait().expect("tcpdump");
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);
    println!("tcpdump: {}", rest.trim().replace('\n', "; "));

    let ours = packets(&wl_file);
    let theirs = packets(&tcpdump_file);
    let bytes = |p: &[(u32, Vec<u8>)]| p.iter().map(|(_, d)| d.len()).sum::<usize>();
    println!(
        "wirelens -w: {} packets, {} bytes; tcpdump: {} packets, {} bytes",
        ours.len(),
        bytes(&ours),
        theirs.len(),
        bytes(&theirs)
    );
    assert!(
        ours.len() > 200,
        "the transfer was captured: {} packets",
        ours.len()
    );
    assert_eq!(ours.len(), theirs.len(), "packet count");
    assert_eq!(bytes(&ours), bytes(&theirs), "bytes");
    // Two packet sockets on one link can see a sent and a received packet
    // that cross in either order (the kernel hands sent packets to the
    // sockets on the transmit path, received ones on the receive path), so
    // the order across directions may differ under load; the packets may not.
    let moved = ours.iter().zip(&theirs).filter(|(a, b)| a != b).count();
    println!("packets in another order than tcpdump's: {moved}");
    let sorted = |p: &[(u32, Vec<u8>)]| {
        let mut p = p.to_vec();
        p.sort();
        p
    };
    assert!(sorted(&ours) == sorted(&theirs), "the same packets");
    let _: PathBuf = wl_file;
}
