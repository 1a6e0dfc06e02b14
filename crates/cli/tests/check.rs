//! `ntop check`: snapshots of its findings for every kind, its JSON shape, its exit codes.
//!
//! Each `nix-fixtures/check/<case>.nix` is checked with `--color never` from inside that
//! directory; standard output and the exit status are compared with `<case>.check.exp`. These
//! are ntop's own diagnostics (no reference tool produces them): `UPDATE_EXPECT=1 cargo test
//! --test check` rewrites the expectations, which are then reviewed by reading them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn ntop() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ntop"))
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../nix-fixtures/check")
}

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(ntop())
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("running ntop")
}

/// Every case's rendered findings and exit status, all mismatches reported at once.
#[test]
fn snapshots() {
    let dir = fixtures();
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .expect("nix-fixtures/check")
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".nix").map(str::to_string)
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "cases: {cases:?}");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = String::new();
    for case in &cases {
        let out = check(&dir, &["--color", "never", &format!("{case}.nix")]);
        let actual = format!(
            "{}exit status: {}\n",
            String::from_utf8_lossy(&out.stdout),
            out.status.code().unwrap_or(-1)
        );
        let exp_path = dir.join(format!("{case}.check.exp"));
        if update {
            std::fs::write(&exp_path, &actual).expect("writing the expectation");
            continue;
        }
        let expected = std::fs::read_to_string(&exp_path).unwrap_or_default();
        if expected != actual {
            let _ = writeln!(
                failures,
                "── {case}: expected ──\n{expected}── {case}: actual ──\n{actual}"
            );
        }
    }
    assert!(failures.is_empty(), "mismatches:\n{failures}");
}

/// `--error-format json`: one object per line, in the shape docs/diagnostics.md documents.
#[test]
fn json_shape() {
    let dir = fixtures();
    let out = check(
        &dir,
        &[
            "--error-format",
            "json",
            "duplicate-attribute.nix",
            "unused-let.nix",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let objects: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(objects.len() >= 3, "{stdout}");
    let span_ok = |s: &serde_json::Value| {
        s["file"].is_string()
            && [
                "byte_start",
                "byte_end",
                "line_start",
                "column_start",
                "line_end",
                "column_end",
            ]
            .iter()
            .all(|k| s[k].is_u64())
            && s["byte_start"].as_u64() <= s["byte_end"].as_u64()
    };
    for o in &objects {
        assert!(
            matches!(o["severity"].as_str(), Some("error" | "warning")),
            "{o}"
        );
        assert!(o["code"].as_str().is_some_and(|c| c.contains("::")), "{o}");
        assert!(o["message"].is_string(), "{o}");
        assert!(o["file"].is_string(), "{o}");
        assert!(span_ok(&o["span"]), "{o}");
        assert!(o["label"].is_string() || o["label"].is_null(), "{o}");
        assert!(o["help"].is_string() || o["help"].is_null(), "{o}");
        assert!(o["notes"]
            .as_array()
            .is_some_and(|n| n.iter().all(|x| x.is_string())));
        for l in o["labels"].as_array().expect("labels") {
            assert!(l["message"].is_string() && span_ok(&l["span"]), "{l}");
        }
    }
    let dup = objects
        .iter()
        .find(|o| o["code"] == "syntax::duplicate_attribute")
        .expect("a duplicate");
    assert_eq!(dup["file"], "duplicate-attribute.nix");
    assert_eq!(dup["severity"], "error");
    assert_eq!(dup["span"]["line_start"], 7);
    assert_eq!(dup["span"]["column_start"], 3);
    assert_eq!(dup["labels"][0]["message"], "first defined here");
    assert_eq!(dup["labels"][0]["span"]["line_start"], 6);
    let unused = objects
        .iter()
        .find(|o| o["code"] == "check::unused_binding")
        .expect("an unused binding");
    assert_eq!(unused["file"], "unused-let.nix");
    assert_eq!(unused["severity"], "warning");
}

/// Exit status: 1 with an error, 0 with warnings only or nothing; unreadable files are errors.
#[test]
fn exit_codes() {
    let dir = std::env::temp_dir().join(format!("ntop-check-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ok.nix"), "{ a = 1; }\n").unwrap();
    std::fs::write(dir.join("warn.nix"), "x: 1\n").unwrap();
    std::fs::write(dir.join("bad.nix"), "{ a = b; }\n").unwrap();
    let status = |args: &[&str]| check(&dir, args).status.code();
    assert_eq!(status(&["ok.nix"]), Some(0));
    assert!(check(&dir, &["ok.nix"]).stdout.is_empty());
    assert_eq!(status(&["warn.nix"]), Some(0));
    assert_eq!(status(&["bad.nix"]), Some(1));
    assert_eq!(status(&["ok.nix", "warn.nix", "bad.nix"]), Some(1));
    assert_eq!(status(&["missing.nix"]), Some(1));
    let missing = check(&dir, &["--error-format", "json", "missing.nix"]);
    let v: serde_json::Value = serde_json::from_slice(&missing.stdout).expect("JSON");
    assert_eq!(v["code"], "cli::read");
    assert!(v["span"].is_null());
    // Standard input.
    let mut child = Command::new(ntop())
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args(["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(dir.join("stderr")).expect("stderr file"))
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"let in").unwrap();
    }
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// No input makes the checker panic or hang: truncations of every fixture.
#[test]
fn truncated_inputs_never_crash() {
    let dir = std::env::temp_dir().join(format!("ntop-check-trunc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut names = Vec::new();
    for e in std::fs::read_dir(fixtures()).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "nix") {
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, cut) in [text.len() / 3, text.len() / 2, text.len() * 2 / 3]
                .into_iter()
                .enumerate()
            {
                let cut = (0..=cut)
                    .rev()
                    .find(|&c| text.is_char_boundary(c))
                    .unwrap_or(0);
                let name = format!("{}-{i}.nix", p.file_stem().unwrap().to_string_lossy());
                std::fs::write(dir.join(&name), &text[..cut]).unwrap();
                names.push(name);
            }
        }
    }
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    let out = check(&dir, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    assert!(!stderr.contains("internal error"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Rendering N findings costs what they show, not N times the file: `ntop check` of 190 000
/// nested `let`s, one per line, each but the innermost an unused binding, finishes (it took
/// over two minutes when every snippet copied and rescanned the whole file), and a snippet
/// deep in the file has the right line numbers and neighbours. The 60 s guard is thirty
/// times the linear time: a quadratic renderer cannot pass it.
#[test]
fn many_findings_render_in_linear_time() {
    use std::io::Read;
    use std::time::{Duration, Instant};
    const N: usize = 190_000;
    let dir = std::env::temp_dir().join(format!("ntop-check-many-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join("lets.nix"), "let a = 1; in\n".repeat(N) + "a\n").expect("input");
    let mut child = Command::new(ntop())
        .env("NTOP_STORE", std::env::temp_dir().join("ntop-tests-store"))
        .args(["check", "--color", "never", "lets.nix"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(dir.join("stderr")).expect("stderr file"))
        .spawn()
        .expect("running ntop");
    let mut pipe = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        pipe.read_to_string(&mut text).map(|_| text)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for ntop") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("ntop check of {N} findings still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = reader.join().expect("reader").expect("utf-8 output");
    assert!(status.success(), "{status:?}");
    let summary = std::fs::read_to_string(dir.join("stderr")).expect("stderr");
    assert_eq!(summary, format!("{} warnings in 1 file\n", N - 1));
    let deep = "        ╭─[lets.nix:150000:5]
 149999 │ let a = 1; in
 150000 │ let a = 1; in
        ·     ┬
        ·     ╰── never used
 150001 │ let a = 1; in
";
    assert!(text.contains(deep), "no snippet at line 150000");
    let _ = std::fs::remove_dir_all(&dir);
}
