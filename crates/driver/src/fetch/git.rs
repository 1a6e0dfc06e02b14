//! `fetchGit` of a local repository, with the `git` command: a committed revision is
//! exported with `git archive`; a working tree with uncommitted changes ("dirty", asked for
//! with neither `rev` nor `ref`) is copied as Nix 2.8 copies it — the files git tracks
//! (`git ls-files`), as they are in the working tree, untracked ones left out.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use ntop_eval::store::{GitRequest, GitResult};
use ntop_store::{nar::FileKind, remove_tree};

use super::AddTree;

use super::extract::Extractor;

/// Fetches `request` from a local repository: `rev`, else the head of `reference`, else
/// `HEAD` — or the working tree when it differs from `HEAD`. A revision is exported into
/// the scratch directory `tmp` (removed afterwards).
pub fn fetch_git(
    tmp: PathBuf,
    add: AddTree<'_>,
    request: &GitRequest,
) -> Result<GitResult, String> {
    let url = request
        .url
        .strip_prefix("file://")
        .unwrap_or(&request.url)
        .to_owned();
    if !url.starts_with('/') {
        return Err(format!(
            "cannot fetch '{}': ntop has no network access; only local repositories can be fetched",
            request.url
        ));
    }
    let repo = PathBuf::from(&url);
    if request.rev.is_none() && request.reference.is_none() {
        let have_commits = git(&repo, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_ok();
        if !have_commits || !is_clean(&repo)? {
            if !request.allow_dirty {
                return Err(format!("Git tree '{url}' is dirty"));
            }
            return copy_working_tree(add, &repo, request, have_commits);
        }
    }
    let rev = match (&request.rev, &request.reference) {
        (Some(rev), _) => rev.clone(),
        (None, Some(r)) => {
            let full = if r.starts_with("refs/") || r == "HEAD" {
                r.clone()
            } else {
                format!("refs/heads/{r}")
            };
            git(
                &repo,
                &["rev-parse", "--verify", &format!("{full}^{{commit}}")],
            )?
        }
        (None, None) => git(&repo, &["rev-parse", "--verify", "HEAD^{commit}"])?,
    };
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
        // `git archive` writes exactly the tree of the commit; unpack it into `tmp`.
        let out = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["archive", "--format=tar", &rev])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cannot find Git revision '{rev}' in '{}': {}",
                repo.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        unpack_git_archive(&out.stdout, &tmp)?;
        let path = add(&tmp, &request.name, &mut |_, _| Ok(true))?;
        let (nar_hash, _) = ntop_store::nar::nar_hash(&tmp).map_err(|e| e.to_string())?;
        Ok((path, nar_hash))
    })();
    let _ = remove_tree(&tmp);
    let (path, nar_hash) = result?;
    let rev_count = git(&repo, &["rev-list", "--count", &rev])?
        .parse()
        .unwrap_or(0);
    let last_modified = git(&repo, &["log", "-1", "--format=%ct", &rev])?
        .parse()
        .unwrap_or(0);
    Ok(GitResult {
        path,
        rev: Some(rev),
        rev_count,
        last_modified,
        nar_hash: nar_hash.to_sri(),
    })
}

/// Whether the tracked files of the working tree (and the index) are as in `HEAD`, as Nix
/// 2.8 asks: `git diff-index --quiet HEAD --` exits 0 when clean, 1 when not.
fn is_clean(repo: &Path) -> Result<bool, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["diff-index", "--quiet", "HEAD", "--"])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    match out.status.code() {
        Some(0) => Ok(true),
        Some(1) => Ok(false),
        _ => Err(format!(
            "program 'git' failed on '{}': {}",
            repo.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )),
    }
}

/// A dirty working tree: the tracked files as they are now, a directory only where it holds
/// a tracked file (Nix 2.8's filter over `git ls-files`). No revision; `lastModified` is the
/// time of `HEAD`'s commit (0 without commits).
fn copy_working_tree(
    add: AddTree<'_>,
    repo: &Path,
    request: &GitRequest,
    have_commits: bool,
) -> Result<GitResult, String> {
    let mut args = vec!["ls-files", "-z"];
    if request.submodules {
        args.push("--recurse-submodules");
    }
    let listed = git_raw(repo, &args)?;
    let files: BTreeSet<Vec<u8>> = listed
        .split(|&b| b == 0)
        .filter(|f| !f.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let mut filter = |path: &Path, kind: FileKind| -> Result<bool, ntop_store::Error> {
        use std::os::unix::ffi::OsStrExt;
        let Ok(rel) = path.strip_prefix(repo) else {
            return Ok(false);
        };
        let rel = rel.as_os_str().as_bytes();
        if kind == FileKind::Directory {
            let mut prefix = rel.to_vec();
            prefix.push(b'/');
            return Ok(files
                .range(prefix.clone()..)
                .next()
                .is_some_and(|f| f.starts_with(&prefix)));
        }
        Ok(files.contains(rel))
    };
    let path = add(repo, &request.name, &mut filter)?;
    // From the working tree again, through the same filter: a read-only store (`--eval`)
    // only computes the path and holds no copy to hash.
    let mut hasher = ntop_store::Hasher::new(ntop_store::HashAlgo::Sha256);
    ntop_store::nar::dump_path(repo, &mut hasher, &mut filter).map_err(|e| e.to_string())?;
    let nar_hash = hasher.finish();
    let last_modified = if have_commits {
        git(
            repo,
            &["log", "-1", "--format=%ct", "--no-show-signature", "HEAD"],
        )?
        .parse()
        .unwrap_or(0)
    } else {
        0
    };
    Ok(GitResult {
        path,
        rev: None,
        rev_count: 0,
        last_modified,
        nar_hash: nar_hash.to_sri(),
    })
}

/// Unpacks what `git archive` wrote, through the same writer as tarballs (without a size
/// limit: the repository is the user's own).
fn unpack_git_archive(tar_bytes: &[u8], dest: &Path) -> Result<(), String> {
    let mut x = Extractor::new(dest, 0);
    let mut archive = tar::Archive::new(io::Cursor::new(tar_bytes));
    let entries = archive.entries().map_err(|e| e.to_string())?;
    for entry in entries {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let name = entry.path_bytes().into_owned();
        let header = entry.header();
        match header.entry_type() {
            tar::EntryType::Directory => x.dir(&name),
            tar::EntryType::Symlink => {
                let target = entry
                    .link_name_bytes()
                    .map(|t| t.into_owned())
                    .unwrap_or_default();
                x.symlink(&name, &target)
            }
            tar::EntryType::Regular => {
                let executable = header.mode().map_err(|e| e.to_string())? & 0o100 != 0;
                let size = entry.size();
                x.file(&name, executable, size, &mut entry)
            }
            // The commit's pax header (`comment` with the commit id).
            _ => Ok(()),
        }
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let out = git_raw(repo, args)?;
    Ok(String::from_utf8_lossy(&out).trim().to_owned())
}

fn git_raw(repo: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "program 'git' failed on '{}': {}",
            repo.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}
