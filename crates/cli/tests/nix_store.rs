//! ntop and the reference Nix 2.8 sharing one store (`--store 'local?root=DIR'`), each
//! reading what the other wrote in Nix's own database: ntop's paths verify clean and answer
//! `nix-store -q`, ntop reuses what Nix built, and each collector keeps the other's roots.
//!
//! Every store is a throwaway chroot store under the temporary directory; nothing touches
//! the machine's `/nix`. Skipped, saying why, when `nix-store` is not installed.

use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

extern "C" {
    fn flock(fd: i32, operation: i32) -> i32;
}
const LOCK_EX: i32 = 2;

/// A temporary directory with a chroot store at `store/` and the Nix files of the tests.
struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(label: &str) -> Option<Fixture> {
        if !Command::new("nix-store")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            eprintln!("skipped: nix-store (the reference Nix 2.8) is not installed");
            return None;
        }
        let dir =
            std::env::temp_dir().join(format!("ntop-nixstore-{label}-{}", std::process::id()));
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("u+w")
            .arg(&dir)
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("etc")).expect("temporary directory");
        // `dep` is a text file the output refers to; `dir-*` outputs are directories.
        std::fs::write(
            dir.join("mk.nix"),
            r#"tag: let dep = builtins.toFile "dep-${tag}.txt" "hello ${tag}"; in
derivation {
  name = tag;
  system = builtins.currentSystem;
  builder = "/bin/sh";
  args = [ "-c" "if [ ${tag} = dir ]; then /bin/mkdir $out; echo ${dep} > $out/f; else echo ${dep} > $out; fi" ];
}
"#,
        )
        .expect("mk.nix");
        for tag in [
            "ntop", "nix", "dir", "other", "prof", "temp", "dead", "plain",
        ] {
            std::fs::write(
                dir.join(format!("{tag}.nix")),
                format!("import ./mk.nix \"{tag}\"\n"),
            )
            .expect("nix file");
        }
        Some(Fixture { dir })
    }

    fn uri(&self) -> String {
        format!("local?root={}", self.dir.join("store").display())
    }

    fn state(&self) -> PathBuf {
        self.dir.join("store/nix/var/nix")
    }

    fn physical(&self, printed: &str) -> PathBuf {
        self.dir.join("store").join(printed.trim_start_matches('/'))
    }

    fn env(&self, c: &mut Command) {
        c.current_dir(&self.dir)
            .env_clear()
            .env(
                "PATH",
                "/usr/bin:/bin:/usr/local/bin:/nix/var/nix/profiles/default/bin",
            )
            .env("HOME", &self.dir)
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .env("NIX_CONF_DIR", self.dir.join("etc"));
        if let Ok(path) = std::env::var("PATH") {
            c.env("PATH", path);
        }
    }

    fn ntop(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ntop"));
        self.env(&mut c);
        c.args(args).output().expect("ntop runs")
    }

    /// A Nix command on the store. A chroot store builds in Nix's sandbox, which needs the
    /// host's shell and libraries.
    fn nix(&self, program: &str, args: &[&str]) -> Output {
        let mut c = Command::new(program);
        self.env(&mut c);
        let paths: Vec<&str> = ["/bin", "/usr", "/lib", "/lib64", "/lib32"]
            .into_iter()
            .filter(|p| Path::new(p).exists())
            .collect();
        c.env(
            "NIX_CONFIG",
            format!(
                "substituters =\nsandbox = true\nsandbox-paths = {}\n",
                paths.join(" ")
            ),
        );
        c.arg("--store").arg(self.uri());
        c.args(args).output().expect("nix runs")
    }

    fn ok(&self, o: Output, what: &str) -> String {
        assert!(o.status.success(), "{what}: {}", text(&o));
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    }

    fn query(&self, flag: &str, path: &str) -> Vec<String> {
        let out = self.nix("nix-store", &["-q", flag, path]);
        let mut lines: Vec<String> = self
            .ok(out, &format!("nix-store -q {flag}"))
            .lines()
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    }

    /// `nix-store --verify --check-contents` exits 0 and reports nothing wrong.
    fn assert_verifies(&self) {
        let out = self.nix("nix-store", &["--verify", "--check-contents"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && !err.contains("error") && !err.contains("modified"),
            "verify: {}",
            text(&out)
        );
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = Command::new("chmod")
            .arg("-R")
            .arg("u+w")
            .arg(&self.dir)
            .stderr(std::process::Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

#[test]
fn nix_reads_what_ntop_instantiates_and_builds() {
    let Some(f) = Fixture::new("write") else {
        return;
    };
    let uri = f.uri();
    let drv = f.ok(
        f.ntop(&["instantiate", "--store", &uri, "ntop.nix"]),
        "ntop instantiate",
    );
    // The same .drv path nix-instantiate computes; Nix's own database now knows it.
    let nix_drv = f.ok(f.nix("nix-instantiate", &["ntop.nix"]), "nix-instantiate");
    assert_eq!(drv, nix_drv);
    let drv_refs = f.query("--references", &drv);
    assert_eq!(
        drv_refs.len(),
        1,
        "the .drv refers to its text input: {drv_refs:?}"
    );
    assert!(drv_refs[0].ends_with("-dep-ntop.txt"), "{drv_refs:?}");
    let out = f.ok(
        f.ntop(&["build", "--store", &uri, "ntop.nix"]),
        "ntop build",
    );
    // Nix's DerivationOutputs table: the output of the .drv ntop registered.
    assert_eq!(f.query("--outputs", &drv), std::slice::from_ref(&out));
    assert_eq!(f.query("--references", &out), drv_refs);
    assert_eq!(f.query("--deriver", &out), std::slice::from_ref(&drv));
    f.assert_verifies();
    // ntop's result link is Nix's kind: a printed path, registered under gcroots/auto.
    let roots = f.ok(
        f.nix("nix-store", &["--gc", "--print-roots"]),
        "print-roots",
    );
    assert!(
        roots.contains(&format!("{} -> {out}", f.dir.join("result").display())),
        "Nix sees ntop's result link as a root:\n{roots}"
    );
    // NIX_REMOTE names the store as it does for Nix (the `store` setting's default).
    let mut c = Command::new(env!("CARGO_BIN_EXE_ntop"));
    f.env(&mut c);
    let again = c
        .env("NIX_REMOTE", &uri)
        .args(["instantiate", "plain.nix"])
        .output()
        .expect("ntop runs");
    let plain = f.ok(again, "ntop instantiate with NIX_REMOTE");
    assert_eq!(
        f.query("--outputs", &plain).len(),
        1,
        "registered in Nix's database"
    );
    f.assert_verifies();
}

#[test]
fn ntop_reuses_what_nix_built() {
    let Some(f) = Fixture::new("reuse") else {
        return;
    };
    let uri = f.uri();
    let built = f.nix("nix-build", &["nix.nix", "-o", "nix-result"]);
    if !built.status.success() && String::from_utf8_lossy(&built.stderr).contains("sandbox") {
        eprintln!(
            "skipped: Nix cannot build in its sandbox here: {}",
            text(&built)
        );
        return;
    }
    let nix_out = f.ok(built, "nix-build");
    let before = std::fs::symlink_metadata(f.physical(&nix_out))
        .expect("Nix's output")
        .modified()
        .expect("mtime");
    let ino = std::os::unix::fs::MetadataExt::ino(
        &std::fs::metadata(f.physical(&nix_out)).expect("Nix's output"),
    );
    let o = f.ntop(&["build", "--store", &uri, "nix.nix", "-o", "ntop-result"]);
    let out = f.ok(o.clone(), "ntop build");
    assert_eq!(out, nix_out, "the same output path");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("building"), "nothing is built again:\n{err}");
    let meta = std::fs::metadata(f.physical(&out)).expect("still there");
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&meta),
        ino,
        "Nix's object was not replaced"
    );
    assert_eq!(meta.modified().expect("mtime"), before);
    f.assert_verifies();
}

#[test]
fn each_collector_keeps_the_others_roots() {
    let Some(f) = Fixture::new("gc") else {
        return;
    };
    let uri = f.uri();
    // Nix's roots: a result link (gcroots/auto), a profile, a temporary root of a live
    // process, and a path in use by a running process.
    let built = f.nix("nix-build", &["nix.nix", "-o", "nix-result"]);
    if !built.status.success() && String::from_utf8_lossy(&built.stderr).contains("sandbox") {
        eprintln!(
            "skipped: Nix cannot build in its sandbox here: {}",
            text(&built)
        );
        return;
    }
    let nix_rooted = f.ok(built, "nix-build");
    let prof = f.ok(
        f.nix("nix-build", &["prof.nix", "--no-out-link"]),
        "nix-build prof",
    );
    let profiles = f.state().join("profiles");
    std::fs::create_dir_all(&profiles).expect("profiles");
    // As `nix-env -p` makes a profile: a generation link and the profile's link to it.
    std::os::unix::fs::symlink(&prof, profiles.join("p-1-link")).expect("generation");
    std::os::unix::fs::symlink("p-1-link", profiles.join("p")).expect("profile");
    let temp = f.ok(
        f.nix("nix-build", &["temp.nix", "--no-out-link"]),
        "nix-build temp",
    );
    let dead_temp = f.ok(
        f.nix("nix-build", &["dead.nix", "--no-out-link"]),
        "nix-build dead",
    );
    let in_use = f.ok(
        f.nix("nix-build", &["dir.nix", "--no-out-link"]),
        "nix-build dir",
    );
    let in_use_drv = f.query("--deriver", &in_use)[0].clone();
    let expected_dead = [
        in_use.clone(),
        f.query("--references", &in_use_drv)[0].clone(),
        in_use_drv,
    ];
    let garbage = f.ok(
        f.nix("nix-build", &["other.nix", "--no-out-link"]),
        "nix-build other",
    );
    // A live process's temporary roots: its file, locked; a dead one's: unlocked.
    let temproots = f.state().join("temproots");
    std::fs::create_dir_all(&temproots).expect("temproots");
    let live_file = temproots.join(std::process::id().to_string());
    std::fs::write(&live_file, format!("{temp}\0")).expect("temporary roots");
    let held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&live_file)
        .expect("open");
    // SAFETY: the descriptor belongs to `held`, open for the rest of the test.
    assert_eq!(unsafe { flock(held.as_raw_fd(), LOCK_EX) }, 0, "lock");
    std::fs::write(temproots.join("1999999999"), format!("{dead_temp}\0")).expect("stale roots");
    let mut sleeper = Command::new("sleep")
        .arg("120")
        .current_dir(f.physical(&in_use))
        .spawn()
        .expect("sleep");

    // ntop's roots: a result link and an --add-root link; and an unrooted path.
    let ntop_out = f.ok(
        f.ntop(&["build", "--store", &uri, "ntop.nix"]),
        "ntop build",
    );
    let link = f.ok(
        f.ntop(&[
            "instantiate",
            "--store",
            &uri,
            "plain.nix",
            "--add-root",
            "drv-root",
        ]),
        "ntop instantiate --add-root",
    );
    // The link is Nix's kind too: to the printed path.
    let ntop_drv = std::fs::read_link(&link)
        .expect("the --add-root link")
        .display()
        .to_string();
    assert!(ntop_drv.starts_with("/nix/store/"), "{ntop_drv}");
    let ntop_garbage = f.ok(
        f.ntop(&[
            "build",
            "--store",
            &uri,
            "--no-out-link",
            "-E",
            "import ./mk.nix \"loose\"",
        ]),
        "ntop build --no-out-link",
    );

    f.ok(f.ntop(&["store", "gc", "--store", &uri]), "ntop store gc");
    for (what, kept) in [
        ("Nix's result", &nix_rooted),
        ("the profile's", &prof),
        ("a live temporary root", &temp),
        ("a running process's working directory", &in_use),
        ("ntop's result", &ntop_out),
        ("ntop's --add-root", &ntop_drv),
    ] {
        assert!(
            exists(&f.physical(kept)),
            "ntop's collector kept {what} {kept}"
        );
    }
    // The derivations of live outputs stay too (Nix's keep-derivations).
    assert!(exists(&f.physical(&f.query("--deriver", &nix_rooted)[0])));
    for gone in [&garbage, &dead_temp, &ntop_garbage] {
        assert!(
            !exists(&f.physical(gone)),
            "ntop's collector deleted {gone}"
        );
    }
    assert!(
        !exists(&temproots.join("1999999999")),
        "a dead process's temporary roots are removed"
    );
    f.assert_verifies();
    // Nix agrees there is nothing more to collect, and keeps ntop's roots when it collects.
    let dead = f.ok(f.nix("nix-store", &["--gc", "--print-dead"]), "print-dead");
    let _ = sleeper.kill();
    let _ = sleeper.wait();
    drop(held);
    let _ = std::fs::remove_file(&live_file);
    let after_ntop = f.ok(
        f.ntop(&[
            "build",
            "--store",
            &uri,
            "--no-out-link",
            "-E",
            "import ./mk.nix \"late\"",
        ]),
        "ntop build --no-out-link",
    );
    f.ok(f.nix("nix-collect-garbage", &[]), "nix-collect-garbage");
    // Nix finds no garbage ntop left, except what only ntop saw in use: Nix scans running
    // processes for its logical store directory only, ntop also for the chroot store's
    // files (the sleeper's working directory), and keeps that output and its derivation.
    let dead: Vec<&str> = dead.lines().collect();
    assert!(
        dead.iter().all(|d| expected_dead.iter().any(|e| e == d)),
        "Nix finds no garbage ntop left but what a process used:\n{dead:?}"
    );
    for kept in [&ntop_out, &ntop_drv, &nix_rooted, &prof] {
        assert!(exists(&f.physical(kept)), "nix-collect-garbage kept {kept}");
    }
    assert!(
        !exists(&f.physical(&after_ntop)),
        "Nix collects ntop's unrooted path like its own"
    );
    f.assert_verifies();
}

#[test]
fn the_readme_example_builds_into_a_nix_store() {
    let Some(f) = Fixture::new("example") else {
        return;
    };
    let uri = f.uri();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/container-host.nix");
    let example = example.to_str().expect("a UTF-8 path");
    let out = f.ok(f.ntop(&["build", "--store", &uri, example]), "ntop build");
    f.assert_verifies();
    let closure = f.query("--requisites", &out);
    assert!(closure.len() > 10, "the system's closure: {closure:?}");
    assert!(f.query("--deriver", &out)[0].ends_with(".drv"));
    // Nix's collector keeps the whole rooted closure; ntop's then finds nothing it would not
    // keep either.
    f.ok(f.nix("nix-collect-garbage", &[]), "nix-collect-garbage");
    for p in &closure {
        assert!(exists(&f.physical(p)), "nix-collect-garbage kept {p}");
    }
    let gc = f.ok(f.ntop(&["store", "gc", "--store", &uri]), "ntop store gc");
    assert!(gc.starts_with("0 store paths deleted"), "{gc}");
    f.assert_verifies();
    // The built tree, through the store mounted at /nix/store.
    let ls = f.ok(
        f.ntop(&[
            "run",
            "--store",
            &uri,
            example,
            "--",
            "ls",
            &format!("{out}/sw/bin"),
        ]),
        "ntop run",
    );
    assert!(!ls.is_empty(), "the system's bin directory lists programs");
}
