//! A real server on 127.0.0.1 (port 0) and a minimal HTTP/1.1 client over a raw TcpStream.

#![allow(dead_code)]

pub mod backends;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use base64ct::{Base64, Encoding};
use linkdex_api::{Error, Server, ServerConfig, UsersSource};
use linkdex_query::Backend;
use serde_json::Value;

pub const LOGIN: &str = "alice";
pub const PASSWORD: &str = "wonder:land";
pub const LIVE: &str = "/v3/backlinks/domain_intersection/live";

/// A running server; dropping it shuts it down gracefully and waits for it.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), Error>>>,
}

impl TestServer {
    /// Stops accepting, drains, and returns what `run` returned.
    pub fn stop(mut self) -> Result<(), Error> {
        self.stop_inner().expect("server already stopped")
    }

    fn stop_inner(&mut self) -> Option<Result<(), Error>> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.thread
            .take()
            .map(|t| t.join().expect("server thread panicked"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.stop_inner();
    }
}

pub fn config() -> ServerConfig {
    let listen = "127.0.0.1:0".parse().unwrap();
    ServerConfig::new(
        listen,
        UsersSource::Inline(format!("{LOGIN}:{PASSWORD},bob:builder")),
    )
}

pub fn start(config: ServerConfig, backend: Arc<dyn Backend>) -> TestServer {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(Server::bind(config, backend)).expect("bind");
    let addr = server.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        rt.block_on(server.run(async {
            let _ = rx.await;
        }))
    });
    TestServer {
        addr,
        shutdown: Some(tx),
        thread: Some(thread),
    }
}

pub fn basic(login: &str, password: &str) -> String {
    format!(
        "Basic {}",
        Base64::encode_string(format!("{login}:{password}").as_bytes())
    )
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request on a fresh connection (`Connection: close`), answered in full.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (e.g. 40503 for a too-large body) before reading all of it.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse_response(&raw)
}

/// POST with the alice credentials and no Content-Type.
pub fn post(addr: SocketAddr, body: &str) -> HttpResponse {
    let auth = basic(LOGIN, PASSWORD);
    request(
        addr,
        "POST",
        LIVE,
        &[("Authorization", &auth)],
        body.as_bytes(),
    )
}

/// method, path, headers, body
pub type RawRequest<'a> = (&'a str, &'a str, Vec<(&'a str, String)>, &'a [u8]);

/// Several requests on one keep-alive connection, each answered before the next is sent.
/// Panics if the server closes the connection early.
pub fn keep_alive(addr: SocketAddr, requests: &[RawRequest<'_>]) -> Vec<HttpResponse> {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut out = Vec::new();
    for (method, path, headers, body) in requests {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream
            .write_all(head.as_bytes())
            .expect("connection reusable");
        stream.write_all(body).expect("connection reusable");
        let mut raw = Vec::new();
        let mut byte = [0u8; 1];
        while !raw.ends_with(b"\r\n\r\n") {
            assert_eq!(
                stream.read(&mut byte).expect("read"),
                1,
                "connection closed early"
            );
            raw.push(byte[0]);
        }
        let len: usize = parse_response(&raw)
            .header("content-length")
            .expect("content-length")
            .parse()
            .unwrap();
        let mut body = vec![0u8; len];
        stream.read_exact(&mut body).expect("body");
        raw.extend_from_slice(&body);
        out.push(parse_response(&raw));
    }
    out
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&data[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// The envelope with run-dependent values (times, ids, version date) replaced by placeholders,
/// for whole-document comparisons.
pub fn normalize(mut v: Value) -> Value {
    fn walk(v: &mut Value, key: Option<&str>) {
        match v {
            Value::Object(m) => {
                for (k, child) in m.iter_mut() {
                    walk(child, Some(k));
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, None)),
            Value::String(s) => match key {
                Some("time") if s.ends_with(" sec.") => *s = "<time>".into(),
                Some("id") if s.len() == 36 => *s = "<id>".into(),
                Some("version") => *s = "<version>".into(),
                _ => {}
            },
            _ => {}
        }
    }
    walk(&mut v, None);
    v
}
