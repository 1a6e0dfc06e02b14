//! The fetchers' work outside the evaluator: unpacking tarballs (`fetchTarball`) and
//! exporting revisions of local git repositories (`fetchGit`) into the store. ntop has no
//! network access: only local repositories and files are fetched.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use ntop_eval::store::{GitRequest, GitResult};
use ntop_store::{remove_tree, StorePath};

/// Adds the tree at a path as the object of the given name (NAR-hashed), in whichever store
/// the session uses.
pub type AddTree<'a> = &'a mut dyn FnMut(&Path, &str) -> Result<StorePath, String>;

/// Unpacks an archive (tar, optionally gzip-compressed) in the scratch directory `tmp`
/// (removed afterwards); its single top-level entry becomes the object `name`. Returns its
/// path and NAR hash.
pub fn unpack_archive(
    tmp: PathBuf,
    add: AddTree<'_>,
    archive: &Path,
    name: &str,
) -> Result<(StorePath, ntop_store::Hash), String> {
    let result = (|| {
        std::fs::create_dir_all(&tmp).map_err(|e| format!("creating '{}': {e}", tmp.display()))?;
        unpack(archive, &tmp)?;
        let mut members: Vec<PathBuf> = std::fs::read_dir(&tmp)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        if members.len() != 1 {
            return Err(format!(
                "tarball '{}' contains an unexpected number of top-level files",
                archive.display()
            ));
        }
        let top = members.remove(0);
        let (nar_hash, _) = ntop_store::nar::nar_hash(&top).map_err(|e| e.to_string())?;
        let path = add(&top, name)?;
        Ok((path, nar_hash))
    })();
    let _ = remove_tree(&tmp);
    result
}

/// Exports a revision of a local git repository (`rev`, else the head of `reference`, else
/// `HEAD`) into the scratch directory `tmp` (removed afterwards) and adds it as
/// `request.name`.
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
        unpack_tar(io::Cursor::new(out.stdout), &tmp)?;
        let path = add(&tmp, &request.name)?;
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
        rev,
        rev_count,
        last_modified,
        nar_hash: nar_hash.to_sri(),
    })
}

fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
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
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Unpacks a tar archive, gzip-compressed or not (told apart by its magic number).
fn unpack(archive: &Path, dest: &Path) -> Result<(), String> {
    let file = std::fs::File::open(archive)
        .map_err(|e| format!("opening '{}': {e}", archive.display()))?;
    let mut reader = io::BufReader::new(file);
    let magic = io::BufRead::fill_buf(&mut reader)
        .map_err(|e| e.to_string())?
        .get(..2)
        .map(<[u8]>::to_vec);
    if magic.as_deref() == Some(&[0x1f, 0x8b]) {
        unpack_tar(flate2::read::GzDecoder::new(reader), dest)
    } else {
        unpack_tar(reader, dest)
    }
    .map_err(|e| format!("unpacking '{}': {e}", archive.display()))
}

fn unpack_tar<R: io::Read>(reader: R, dest: &Path) -> Result<(), String> {
    let mut archive = tar::Archive::new(reader);
    archive.set_preserve_permissions(true);
    archive.set_preserve_mtime(false);
    archive.unpack(dest).map_err(|e| e.to_string())
}
