//! `ntop lsp` end to end: the built binary driven over pipes with JSON-RPC messages framed as
//! editors frame them (`Content-Length` headers), through initialize → didOpen →
//! publishDiagnostics → hover → definition → didChange → shutdown → exit.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ntop"))
            .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting ntop lsp");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its response (notifications in between are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.recv();
            if m["id"] == json!(id) {
                return m;
            }
        }
    }

    fn recv(&self) -> Value {
        self.messages
            .recv_timeout(TIMEOUT)
            .expect("a message from the server in time")
    }

    /// The next `publishDiagnostics` notification.
    fn diagnostics(&self) -> Value {
        loop {
            let m = self.recv();
            if m["method"] == "textDocument/publishDiagnostics" {
                return m["params"].clone();
            }
        }
    }
}

fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The (line, UTF-16 character) of the first occurrence of `needle` after `after`.
fn position_of(text: &str, needle: &str, after: &str) -> Value {
    let start = text.find(after).expect("anchor");
    let offset = start + text[start..].find(needle).expect("needle");
    let line = text[..offset].matches('\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

const MAIN: &str = r#"let
  helper = import ./other.nix;
  unused = 1;
  s = "é✓"; t = s;
in
{
  a = helper;
  b = map (x: x) [ ];
  c = builtins.map;
  d = undefinedName;
  e = t;
}
"#;

#[test]
fn a_session() {
    let dir = std::env::temp_dir().join(format!("ntop-lsp-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dir: PathBuf = dir.canonicalize().unwrap();
    let main = dir.join("main.nix");
    let other = dir.join("other.nix");
    std::fs::write(&main, MAIN).unwrap();
    std::fs::write(&other, "{ }\n").unwrap();
    let main_uri = uri(&main);

    let mut server = Server::start();

    // initialize: the capabilities we rely on.
    let init = server.request(
        "initialize",
        json!({ "processId": null, "rootUri": uri(&dir), "capabilities": {} }),
    );
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["textDocumentSync"], 1, "{init}");
    assert_eq!(caps["hoverProvider"], true, "{init}");
    assert_eq!(caps["definitionProvider"], true, "{init}");
    assert_eq!(init["result"]["serverInfo"]["name"], "ntop");
    server.notify("initialized", json!({}));

    // didOpen → publishDiagnostics: an error for the undefined name, a warning for `unused`.
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": main_uri, "languageId": "nix", "version": 1, "text": MAIN } }),
    );
    let published = server.diagnostics();
    assert_eq!(published["uri"], main_uri.as_str());
    assert_eq!(published["version"], 1);
    let diags = published["diagnostics"].as_array().unwrap();
    let undefined = diags
        .iter()
        .find(|d| d["code"] == "syntax::undefined_variable")
        .expect("the undefined variable");
    assert_eq!(undefined["severity"], 1);
    assert_eq!(undefined["source"], "ntop");
    assert_eq!(
        undefined["range"],
        json!({ "start": { "line": 9, "character": 6 }, "end": { "line": 9, "character": 19 } })
    );
    assert!(undefined["message"]
        .as_str()
        .unwrap()
        .starts_with("undefined variable 'undefinedName'"));
    let unused = diags
        .iter()
        .find(|d| d["code"] == "check::unused_binding")
        .expect("the unused binding");
    assert_eq!(unused["severity"], 2);
    assert_eq!(unused["tags"], json!([1]));
    assert_eq!(
        unused["range"]["start"],
        json!({ "line": 2, "character": 2 })
    );

    let text_doc = json!({ "uri": main_uri });
    let hover = |server: &mut Server, pos: Value| {
        server.request(
            "textDocument/hover",
            json!({ "textDocument": text_doc, "position": pos }),
        )["result"]
            .clone()
    };

    // Hover on a builtin, plain and through `builtins.`: its documentation.
    let h = hover(&mut server, position_of(MAIN, "map", "b = "));
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("builtins.map"), "{h}");
    assert!(value.contains("Applies `f` to every element"), "{h}");
    let h = hover(&mut server, position_of(MAIN, "map", "builtins."));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Applies `f`"),
        "{h}"
    );
    assert_eq!(h["range"]["start"], position_of(MAIN, "map", "builtins."));

    // Hover on a name bound in the file: its binding.
    let h = hover(&mut server, position_of(MAIN, "helper", "a = "));
    let value = h["contents"]["value"].as_str().unwrap();
    assert!(value.contains("helper = import ./other.nix;"), "{h}");
    assert!(value.contains("let binding"), "{h}");
    // Positions count UTF-16 units: `s` after "é✓" on its line.
    let h = hover(&mut server, position_of(MAIN, "s;", "t = "));
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("s = \"é✓\";"),
        "{h}"
    );
    // Nothing under the cursor: null.
    assert!(hover(&mut server, json!({ "line": 5, "character": 0 })).is_null());

    // Definition of a let-bound name: its binding.
    let def = server.request(
        "textDocument/definition",
        json!({ "textDocument": text_doc, "position": position_of(MAIN, "helper", "a = ") }),
    );
    assert_eq!(def["result"]["uri"], main_uri.as_str());
    assert_eq!(
        def["result"]["range"],
        json!({ "start": { "line": 1, "character": 2 }, "end": { "line": 1, "character": 8 } })
    );
    let def = server.request(
        "textDocument/definition",
        json!({ "textDocument": text_doc, "position": position_of(MAIN, "t;", "e = ") }),
    );
    assert_eq!(
        def["result"]["range"]["start"],
        position_of(MAIN, "t = s", "é")
    );
    // Definition of a path literal: the file.
    let def = server.request(
        "textDocument/definition",
        json!({ "textDocument": text_doc, "position": position_of(MAIN, "other.nix", "import") }),
    );
    assert_eq!(def["result"]["uri"], uri(&other).as_str(), "{def}");

    // didChange (full text) → new diagnostics for the new version.
    let fixed = MAIN
        .replace("undefinedName", "helper")
        .replace("unused = 1;", "");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": main_uri, "version": 2 }, "contentChanges": [ { "text": fixed } ] }),
    );
    let published = server.diagnostics();
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"], json!([]), "{published}");

    // An unknown request is an error, not the end of the server.
    let unknown = server.request(
        "textDocument/formatting",
        json!({ "textDocument": text_doc }),
    );
    assert_eq!(unknown["error"]["code"], -32601);

    // shutdown → null; exit → the process ends with status 0.
    let shutdown = server.request("shutdown", Value::Null);
    assert!(
        shutdown["result"].is_null() && shutdown.get("error").is_none(),
        "{shutdown}"
    );
    server.notify("exit", Value::Null);
    let deadline = std::time::Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    std::fs::remove_dir_all(&dir).unwrap();
}
