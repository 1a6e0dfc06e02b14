//! The fetchers against Nix 2.8 (issues 14 and 16): `fetchTarball`/`fetchTree` of archives
//! in every format libarchive recognises, the entries ntop refuses to unpack, the
//! `max-unpacked-size` limit, and `fetchGit` of a repository with uncommitted changes.
//!
//! Expected values come from running Nix 2.8's `nix-instantiate` on the same files in the
//! test, with a throwaway store (`--store local?root=…`, its own fetcher cache); where
//! `nix-instantiate` (or a tool that writes an archive format, or git) is missing, the
//! comparison is skipped with a message saying so. Both print paths under `/nix/store`, so
//! their outputs compare as text.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::remove;

fn scratch(label: &str) -> PathBuf {
    let work = common::scratch(&format!("fetch-{label}"));
    std::fs::create_dir_all(work.join("in")).expect("input dir");
    work
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program} >/dev/null"))
        .status()
        .is_ok_and(|s| s.success())
}

fn sh(dir: &Path, script: &str) {
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .output()
        .expect("running sh");
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `ntop instantiate ARGS… -E EXPR` in `work`'s store.
fn ntop(work: &Path, args: &[&str], expr: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ntop"))
        .arg("instantiate")
        .args(args)
        .args(["-E", expr])
        .arg("--store")
        .arg(work.join("store"))
        .current_dir(work)
        .env("HOME", work)
        .env("NIX_CONF_DIR", work)
        .env("TMPDIR", work.join("tmp"))
        .env("XDG_CACHE_HOME", work.join("cache"))
        .env_remove("NIX_CONFIG")
        .output()
        .expect("running ntop instantiate")
}

/// Nix 2.8's `nix-instantiate ARGS… -E EXPR` with a throwaway store and fetcher cache (a
/// fresh one per `tag`, so no answer is remembered from another archive); `None` without
/// Nix.
fn nix(work: &Path, tag: &str, args: &[&str], expr: &str) -> Option<Output> {
    if !have("nix-instantiate") {
        eprintln!("skipping the comparison with Nix: nix-instantiate is not installed");
        return None;
    }
    let root = work.join("nix-root");
    Some(
        Command::new("nix-instantiate")
            .args(args)
            .args(["-E", expr])
            .arg("--store")
            .arg(format!("local?root={}", root.display()))
            .current_dir(work)
            .env("HOME", work)
            .env("NIX_CONFIG", "substituters =\n")
            .env("XDG_CACHE_HOME", work.join(format!("nix-cache-{tag}")))
            .output()
            .expect("running nix-instantiate"),
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: &Output, what: &str) -> String {
    assert!(out.status.success(), "{what}: {}", stderr(out));
    stdout(out)
}

fn fetch_tarball(file: &Path) -> String {
    format!("builtins.fetchTarball \"file://{}\"", file.display())
}

/// What the store's object directory holds besides the downloaded archive itself (which
/// Nix 2.8 keeps in the store too, as a flat `source` object): temporary directories,
/// partly unpacked trees.
fn store_leftovers(work: &Path, archive: &Path) -> Vec<String> {
    let archive = std::fs::read(archive).expect("reading the archive");
    let mut names: Vec<String> = std::fs::read_dir(work.join("store/store"))
        .map(|d| {
            d.flatten()
                .filter(|e| std::fs::read(e.path()).ok().as_ref() != Some(&archive))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

// ---- a tar writer: archives no well-behaved tool writes (`..`, devices, bombs) ----------

enum Kind<'a> {
    File(&'a [u8]),
    Dir,
    Symlink(&'a str),
    HardLink(&'a str),
    Fifo,
    CharDevice,
}

/// One ustar header block (and the file's contents, padded) for `name`.
fn tar_entry(out: &mut Vec<u8>, name: &str, kind: Kind<'_>) {
    let mut h = [0u8; 512];
    assert!(name.len() <= 100, "ustar names here are short");
    h[..name.len()].copy_from_slice(name.as_bytes());
    let (mode, typeflag, size, link, data): (u32, u8, u64, &str, &[u8]) = match kind {
        Kind::File(data) => (0o644, b'0', data.len() as u64, "", data),
        Kind::Dir => (0o755, b'5', 0, "", &[]),
        Kind::Symlink(t) => (0o777, b'2', 0, t, &[]),
        Kind::HardLink(t) => (0o644, b'1', 0, t, &[]),
        Kind::Fifo => (0o644, b'6', 0, "", &[]),
        Kind::CharDevice => (0o644, b'3', 0, "", &[]),
    };
    tar_header(&mut h, mode, typeflag, size, link);
    out.extend_from_slice(&h);
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

fn tar_header(h: &mut [u8; 512], mode: u32, typeflag: u8, size: u64, link: &str) {
    let mut field = |at: usize, len: usize, text: String| {
        h[at..at + text.len()].copy_from_slice(text.as_bytes());
        assert!(text.len() < len);
    };
    field(100, 8, format!("{mode:07o}"));
    field(108, 8, format!("{:07o}", 0));
    field(116, 8, format!("{:07o}", 0));
    field(124, 12, format!("{size:011o}"));
    field(136, 12, format!("{:011o}", 0));
    h[156] = typeflag;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    if typeflag == b'3' {
        h[329..336].copy_from_slice(b"0000001"); // devmajor 1, devminor 3: /dev/null
        h[337..344].copy_from_slice(b"0000003");
    }
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

/// An archive's name, its entries, the message ntop refuses it with, whether Nix refuses it.
type RefusalCase<'a> = (&'a str, Vec<(&'a str, Kind<'a>)>, &'a str, bool);

fn tar(entries: Vec<(&str, Kind<'_>)>) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, kind) in entries {
        tar_entry(&mut out, name, kind);
    }
    out.resize(out.len() + 1024, 0);
    out
}

// ---- archives ----------------------------------------------------------------------------

/// One tree, packed in each format (each told by its bytes: one is named `.zip` but holds
/// xz, one has no suffix), unpacks to the same store path as Nix 2.8 gives, through
/// `fetchTarball` and `fetchTree`, with the same `narHash`.
#[test]
fn archives_unpack_to_the_paths_nix_gives() {
    let work = scratch("formats");
    let dir = work.join("in");
    sh(
        &dir,
        "mkdir -p src/top/sub src/top/empty && echo hi > src/top/a \
         && printf '#!/bin/sh\\n' > src/top/sub/x && chmod 755 src/top/sub/x \
         && chmod 644 src/top/a && ln -s a src/top/link \
         && tar --owner=0 --group=0 -C src -cf t.tar top",
    );
    let mut archives = vec!["t.tar".to_owned()];
    for (tool, script, name) in [
        ("gzip", "gzip -c t.tar > t.tar.gz", "t.tar.gz"),
        ("xz", "xz -c t.tar > t.tar.xz", "t.tar.xz"),
        ("bzip2", "bzip2 -c t.tar > t.tar.bz2", "t.tar.bz2"),
        ("zstd", "zstd -q -c t.tar > t.tar.zst", "t.tar.zst"),
        ("zip", "cd src && zip -q -r -y ../t.zip top", "t.zip"),
        ("xz", "xz -c t.tar > xz-named.zip", "xz-named.zip"),
        ("bzip2", "bzip2 -c t.tar > no-suffix", "no-suffix"),
    ] {
        if have(tool) {
            sh(&dir, script);
            archives.push(name.to_owned());
        } else {
            eprintln!("skipping {name}: {tool} is not installed");
        }
    }
    let mut first = None;
    for name in &archives {
        let file = dir.join(name);
        let expr = format!(
            "let t = {}; f = builtins.fetchTree {{ type = \"tarball\"; url = \"file://{}\"; }}; \
             in [ t f.outPath f.narHash ]",
            fetch_tarball(&file),
            file.display()
        );
        // fetchTree is experimental in Nix 2.8 (the `flakes` feature), in ntop as well.
        let args = [
            "--eval",
            "--strict",
            "--extra-experimental-features",
            "flakes",
        ];
        let got = ok(&ntop(&work, &args, &expr), name);
        if let Some(out) = nix(&work, name, &args, &expr) {
            assert_eq!(got, ok(&out, &format!("nix on {name}")), "{name}");
        }
        // Every format holds the same tree.
        let first = first.get_or_insert_with(|| got.clone());
        assert_eq!(&got, first, "{name} against {}", archives[0]);
    }
    remove(&work);
}

/// Nix's rule for tarballs: the one top-level entry is the result, a file as well as a
/// directory; two top-level entries are an error (Nix 2.8's message).
#[test]
fn the_single_top_level_entry_is_the_result() {
    let work = scratch("toplevel");
    let one = work.join("in/one.tar");
    std::fs::write(&one, tar(vec![("only", Kind::File(b"x\n"))])).expect("write");
    let two = work.join("in/two.tar");
    std::fs::write(
        &two,
        tar(vec![("a", Kind::File(b"a")), ("b", Kind::File(b"b"))]),
    )
    .expect("write");
    let got = ok(&ntop(&work, &["--eval"], &fetch_tarball(&one)), "one.tar");
    if let Some(out) = nix(&work, "one", &["--eval"], &fetch_tarball(&one)) {
        assert_eq!(got, ok(&out, "nix on one.tar"));
    }
    let out = ntop(&work, &["--eval"], &fetch_tarball(&two));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("contains an unexpected number of top-level files"),
        "{}",
        stderr(&out)
    );
    if let Some(out) = nix(&work, "two", &["--eval"], &fetch_tarball(&two)) {
        assert!(stderr(&out).contains("contains an unexpected number of top-level files"));
    }
    remove(&work);
}

// ---- refusals ----------------------------------------------------------------------------

/// Each archive is refused with an error naming the entry, nothing is written outside the
/// tree (the victim directory stays empty), and nothing but the archive is left in the store. `nix_refuses`
/// is what Nix 2.8 does with the same archive: where it unpacks (an absolute name, which
/// libarchive puts below the directory) ntop is stricter; a FIFO or a device node Nix
/// creates and then fails to add ("has an unsupported type").
#[test]
fn dangerous_entries_are_refused_naming_them() {
    let work = scratch("refusals");
    let victim = work.join("victim");
    std::fs::create_dir(&victim).expect("victim dir");
    let v = victim.display().to_string();
    let abs = format!("{v}/abs");
    let cases: Vec<RefusalCase> = vec![
        (
            "dotdot",
            vec![("top/", Kind::Dir), ("top/../escape", Kind::File(b"x"))],
            "archive entry 'top/../escape' has a '..' component",
            true,
        ),
        (
            "absolute",
            vec![(abs.as_str(), Kind::File(b"x"))],
            "has an absolute name",
            false,
        ),
        (
            "fifo",
            vec![("top/", Kind::Dir), ("top/p", Kind::Fifo)],
            "archive entry 'top/p' is a FIFO",
            true,
        ),
        (
            "device",
            vec![("top/", Kind::Dir), ("top/null", Kind::CharDevice)],
            "archive entry 'top/null' is a character device",
            true,
        ),
        (
            "hardlink-absolute",
            vec![
                ("top/", Kind::Dir),
                ("top/h", Kind::HardLink("/etc/hostname")),
            ],
            "archive entry 'top/h' is a hard link to '/etc/hostname'",
            true,
        ),
        (
            "hardlink-dotdot",
            vec![
                ("top/", Kind::Dir),
                ("top/h", Kind::HardLink("../../etc/hostname")),
            ],
            "archive entry 'top/h' is a hard link to '../../etc/hostname'",
            true,
        ),
        (
            "through-symlink",
            vec![
                ("top/", Kind::Dir),
                ("top/l", Kind::Symlink(&v)),
                ("top/l/x", Kind::File(b"x")),
            ],
            "archive entry 'top/l/x' would be written through the symlink 'top/l'",
            true,
        ),
    ];
    for (name, entries, message, nix_refuses) in cases {
        let file = work.join(format!("in/{name}.tar"));
        std::fs::write(&file, tar(entries)).expect("write");
        // Unpacked for a derivation, so that ntop writes the store (not only computes).
        let expr = format!(
            "derivation {{ name = \"x\"; system = \"x\"; builder = \"${{{}}}\"; }}",
            fetch_tarball(&file)
        );
        let out = ntop(&work, &[], &expr);
        assert!(!out.status.success(), "{name} was unpacked");
        assert!(stderr(&out).contains(message), "{name}: {}", stderr(&out));
        assert_eq!(
            store_leftovers(&work, &file),
            Vec::<String>::new(),
            "{name}"
        );
        assert_eq!(std::fs::read_dir(&victim).expect("victim").count(), 0);
        let device_as_nobody = name == "device" && !is_root();
        let nix_expr = fetch_tarball(&file);
        if let (Some(out), false) = (nix(&work, name, &["--eval"], &nix_expr), device_as_nobody) {
            assert_eq!(
                !out.status.success(),
                nix_refuses,
                "{name}: {}",
                stderr(&out)
            );
        }
        let _ = std::fs::remove_file(victim.join("abs"));
        // A fresh store for the next case (this one's archive is in it).
        remove(&work.join("store"));
        std::fs::create_dir_all(work.join("store/store")).expect("store dir");
    }
    remove(&work);
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A hard link to a file unpacked before it, and a symlink replaced by a directory of the
/// same name later in the archive, are unpacked as Nix 2.8 unpacks them.
#[test]
fn hard_links_and_replaced_entries_unpack_as_in_nix() {
    let work = scratch("links");
    let file = work.join("in/links.tar");
    std::fs::write(
        &file,
        tar(vec![
            ("top/", Kind::Dir),
            ("top/f", Kind::File(b"contents\n")),
            ("top/h", Kind::HardLink("top/f")),
            ("top/d", Kind::Symlink("/")),
            ("top/d/", Kind::Dir),
            ("top/d/inner", Kind::File(b"i")),
        ]),
    )
    .expect("write");
    let got = ok(&ntop(&work, &["--eval"], &fetch_tarball(&file)), "links");
    if let Some(out) = nix(&work, "links", &["--eval"], &fetch_tarball(&file)) {
        assert_eq!(got, ok(&out, "nix on links.tar"));
    }
    remove(&work);
}

// ---- the size limit ----------------------------------------------------------------------

/// `max-unpacked-size` (ntop's own setting, default 1 GiB) stops a tar bomb cleanly: 2 GiB
/// of zeros (compressed to a few hundred kilobytes) fail with a message naming the entry and
/// the setting, and nothing but the archive is left in the store. A smaller limit set with `--option` holds
/// as well, and 0 means no limit.
#[test]
fn max_unpacked_size_stops_a_tar_bomb() {
    let work = scratch("bomb");
    if !have("zstd") {
        eprintln!("skipping: zstd is not installed");
        remove(&work);
        return;
    }
    // A header for 2 GiB, then zeros from /dev/zero straight into the compressor.
    let mut header = [0u8; 512];
    header[..14].copy_from_slice(b"top/zeros.bin\0");
    tar_header(&mut header, 0o644, b'0', 2 << 30, "");
    std::fs::write(work.join("in/header"), header).expect("write");
    sh(
        &work.join("in"),
        "{ cat header; head -c 2147484672 /dev/zero; } | zstd -q -1 -c > bomb.tar.zst",
    );
    let bomb = work.join("in/bomb.tar.zst");
    assert!(std::fs::metadata(&bomb).expect("bomb").len() < 10 << 20);
    let expr = format!(
        "derivation {{ name = \"x\"; system = \"x\"; builder = \"${{{}}}\"; }}",
        fetch_tarball(&bomb)
    );
    let out = ntop(&work, &[], &expr);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(
            "unpacking archive entry 'top/zeros.bin' exceeds the limit of 1073741824 bytes \
             (the `max-unpacked-size` setting)"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(store_leftovers(&work, &bomb), Vec::<String>::new());

    let small = work.join("in/small.tar");
    std::fs::write(
        &small,
        tar(vec![
            ("top/a", Kind::File(&[b'a'; 600])),
            ("top/b", Kind::File(&[b'b'; 600])),
        ]),
    )
    .expect("write");
    let out = ntop(
        &work,
        &["--eval", "--option", "max-unpacked-size", "1000"],
        &fetch_tarball(&small),
    );
    assert!(
        stderr(&out).contains("'top/b' exceeds the limit of 1000 bytes"),
        "{}",
        stderr(&out)
    );
    for limit in ["1200", "0"] {
        let out = ntop(
            &work,
            &["--eval", "--option", "max-unpacked-size", limit],
            &fetch_tarball(&small),
        );
        ok(&out, &format!("limit {limit}"));
    }
    remove(&work);
}

// ---- fetchGit of a dirty working tree ----------------------------------------------------

fn git(repo: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c"])
        .arg("commit.gpgsign=false")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", repo.parent().unwrap_or(repo))
        .env("GIT_COMMITTER_DATE", "1700000000 +0000")
        .env("GIT_AUTHOR_DATE", "1700000000 +0000")
        .output()
        .expect("running git");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
}

/// The attributes of `fetchGit` on a repository with two commits, compared with Nix 2.8's
/// one by one: clean, then dirty (a tracked file modified, a new file staged, untracked
/// files and directories beside them), where Nix gives a zero `rev`/`shortRev`,
/// `revCount` 0 and `HEAD`'s `lastModified`, and warns "Git tree '…' is dirty".
#[test]
fn fetch_git_of_a_dirty_tree_is_as_in_nix() {
    if !have("git") {
        eprintln!("skipping: git is not installed");
        return;
    }
    let work = scratch("git");
    let repo = work.join("repo");
    std::fs::create_dir(&repo).expect("repo dir");
    git(&repo, &["init", "-q"]);
    sh(&repo, "echo a > a && mkdir d && echo b > d/b");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    sh(&repo, "echo c > c && chmod +x c");
    git(&repo, &["add", "c"]);
    git(&repo, &["commit", "-q", "-m", "two"]);

    let attrs = [
        "lastModified",
        "lastModifiedDate",
        "narHash",
        "outPath",
        "rev",
        "revCount",
        "shortRev",
        "submodules",
    ];
    let compare = |tag: &str, dirty: bool| {
        for url in [
            repo.display().to_string(),
            format!("file://{}", repo.display()),
        ] {
            let fetched = format!("builtins.fetchGit \"{url}\"");
            let expr = format!("let r = {fetched}; in builtins.attrNames r");
            let names = ok(&ntop(&work, &["--eval", "--strict"], &expr), "attrNames");
            let quoted: Vec<String> = attrs.iter().map(|a| format!("\"{a}\"")).collect();
            assert_eq!(names, format!("[ {} ]", quoted.join(" ")));
            for attr in attrs {
                let expr = format!("({fetched}).{attr}");
                let out = ntop(&work, &["--eval", "--strict"], &expr);
                let got = ok(&out, attr);
                let warned = stderr(&out)
                    .contains(&format!("warning: Git tree '{}' is dirty", repo.display()));
                assert_eq!(warned, dirty, "{tag} {attr}: {}", stderr(&out));
                if dirty && attr == "rev" {
                    assert_eq!(got, format!("\"{}\"", "0".repeat(40)));
                }
                if let Some(out) = nix(&work, &format!("{tag}-{attr}"), &["--eval"], &expr) {
                    assert_eq!(got, ok(&out, &format!("nix {tag} {attr}")), "{tag} {attr}");
                    let nix_warned = stderr(&out).contains("is dirty");
                    assert_eq!(nix_warned, dirty, "{tag} {attr}: Nix's warning");
                }
            }
        }
    };
    compare("clean", false);
    // Dirty: one tracked file changed, one staged, untracked ones ignored.
    sh(
        &repo,
        "echo changed > a && echo new > staged && mkdir u && echo u > u/x && echo u > untracked",
    );
    git(&repo, &["add", "staged"]);
    compare("dirty", true);
    remove(&work);
}

// ---- as an unprivileged user -------------------------------------------------------------

/// A normal user unpacks a tarball into a store of their own (here uid 65534 when the test
/// runs as root) to the path Nix gives, and is refused the same entries.
#[test]
fn an_unprivileged_user_fetches_tarballs() {
    let work = scratch("nobody");
    sh(
        &work.join("in"),
        "mkdir -p top && echo hi > top/a && chmod 644 top/a \
         && tar --owner=0 --group=0 -cf t.tar top",
    );
    let through = work.join("in/through.tar");
    std::fs::write(
        &through,
        tar(vec![
            ("top/l", Kind::Symlink("/tmp")),
            ("top/l/x", Kind::File(b"x")),
        ]),
    )
    .expect("write");
    let good = work.join("in/t.tar");
    let root_answer = nix(&work, "nobody", &["--eval"], &fetch_tarball(&good));
    if is_root() {
        sh(&work, "chown -R 65534:65534 .");
        std::fs::set_permissions(&work, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    // The binary may sit where uid 65534 cannot read it (under /root): a copy in the scratch.
    let binary = work.join("ntop");
    std::fs::copy(env!("CARGO_BIN_EXE_ntop"), &binary).expect("copy of the binary");
    let run = |expr: &str| {
        // As root, through setpriv: uid and gid 65534 and no supplementary groups.
        let mut cmd = if is_root() {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(&binary);
            c
        } else {
            Command::new(&binary)
        };
        cmd.args(["instantiate", "--eval", "-E", expr, "--store"])
            .arg(work.join("store"))
            .current_dir(&work)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &work)
            .env("TMPDIR", work.join("tmp"));
        cmd.output().expect("running ntop as nobody")
    };
    let got = ok(&run(&fetch_tarball(&good)), "as nobody");
    if let Some(out) = root_answer {
        assert_eq!(got, ok(&out, "nix"));
    }
    let out = run(&fetch_tarball(&through));
    assert!(
        stderr(&out).contains("'top/l/x' would be written through the symlink 'top/l'"),
        "{}",
        stderr(&out)
    );
    remove(&work);
}
