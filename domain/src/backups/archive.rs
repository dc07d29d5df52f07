//! The archive on disk: a gzipped tar with `manifest.json` first, then one
//! `tables/<name>.jsonl` per table (one JSON array per row, columns in the manifest's
//! order). The manifest carries a SHA-256 per table and one over itself, so a flipped
//! byte, a missing table or a cut-off file is found and named before anything is written.
//!
//! An archive is written under a hidden `.partial` name and renamed when complete and
//! synced: a crash leaves no file that looks like a backup.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};

use super::tables::Column;
use crate::error::{DomainError, DomainResult};

/// Bumped when the layout changes in a way an older reader would misread.
pub const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
pub const EXTENSION: &str = ".tar.gz";

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: DateTime<Utc>,
    pub switchyard_version: String,
    /// The newest migration applied to the database it was made from.
    pub schema_version: String,
    /// `sqlite` or `postgres`.
    pub made_on: String,
    pub tables: Vec<TableEntry>,
    /// SHA-256 of this manifest with this field empty.
    pub checksum: String,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: u64,
    pub sha256: String,
}

impl Manifest {
    pub fn seal(mut self) -> DomainResult<Self> {
        self.checksum = self.digest()?;
        Ok(self)
    }

    fn digest(&self) -> DomainResult<String> {
        let unsealed = Self {
            checksum: String::new(),
            ..self.clone()
        };
        let bytes = serde_json::to_vec(&unsealed).map_err(DomainError::internal)?;
        Ok(hex::encode(Sha256::digest(&bytes)))
    }

    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|table| table.rows).sum()
    }
}

fn damaged(message: impl std::fmt::Display) -> DomainError {
    DomainError::validation("archive", message.to_string())
}

/// Writes rows to a table file, counting them and hashing every byte written.
pub struct TableWriter {
    out: BufWriter<File>,
    hash: Sha256,
    pub rows: u64,
    pub path: PathBuf,
}

impl TableWriter {
    pub fn create(path: PathBuf) -> DomainResult<Self> {
        let file = File::create(&path).map_err(|err| io_error("create a working file", err))?;
        Ok(Self {
            out: BufWriter::new(file),
            hash: Sha256::new(),
            rows: 0,
            path,
        })
    }

    pub fn row(&mut self, values: &[serde_json::Value]) -> DomainResult<()> {
        let mut line = serde_json::to_vec(values).map_err(DomainError::internal)?;
        line.push(b'\n');
        self.line(&line)
    }

    /// One row as it was read, ending in its newline: hashed byte for byte.
    fn line(&mut self, line: &[u8]) -> DomainResult<()> {
        self.hash.update(line);
        self.rows += 1;
        self.out
            .write_all(line)
            .map_err(|err| io_error("write a working file", err))
    }

    /// The file's path, row count and checksum.
    pub fn finish(mut self) -> DomainResult<(PathBuf, u64, String)> {
        self.out
            .flush()
            .map_err(|err| io_error("write a working file", err))?;
        Ok((self.path, self.rows, hex::encode(self.hash.finalize())))
    }
}

/// Puts the manifest and the table files into `target`, via a `.partial` file that is
/// synced and renamed only when whole.
pub fn write(target: &Path, manifest: &Manifest, files: &[PathBuf]) -> DomainResult<u64> {
    let partial = partial_path(target);
    let written = write_to(&partial, manifest, files);
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written?;
    std::fs::rename(&partial, target).map_err(|err| io_error("name the archive", err))?;
    if let Some(dir) = target.parent() {
        // The rename itself survives a power loss only once the directory is synced.
        let _ = File::open(dir).and_then(|dir| dir.sync_all());
    }
    Ok(std::fs::metadata(target).map(|m| m.len()).unwrap_or(0))
}

fn write_to(partial: &Path, manifest: &Manifest, files: &[PathBuf]) -> DomainResult<()> {
    let file = create_private(partial)?;
    let mut tar = tar::Builder::new(GzEncoder::new(BufWriter::new(file), Compression::fast()));
    let manifest_bytes = serde_json::to_vec_pretty(manifest).map_err(DomainError::internal)?;
    append(
        &mut tar,
        MANIFEST,
        manifest_bytes.len() as u64,
        manifest_bytes.as_slice(),
    )?;
    for (entry, path) in manifest.tables.iter().zip(files) {
        let file = File::open(path).map_err(|err| io_error("read a working file", err))?;
        let size = file
            .metadata()
            .map_err(|err| io_error("read a working file", err))?
            .len();
        append(&mut tar, &table_path(&entry.name), size, file)?;
    }
    let gz = tar
        .into_inner()
        .map_err(|err| io_error("write the archive", err))?;
    let out = gz.finish().map_err(|err| io_error("write the archive", err))?;
    let file = out
        .into_inner()
        .map_err(|err| io_error("write the archive", err.into_error()))?;
    file.sync_all().map_err(|err| io_error("sync the archive", err))
}

fn append<W: Write>(tar: &mut tar::Builder<W>, name: &str, size: u64, data: impl Read) -> DomainResult<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, name, data)
        .map_err(|err| io_error("write the archive", err))
}

/// Backups hold every stored secret (encrypted): readable by their owner only.
fn create_private(path: &Path) -> DomainResult<File> {
    let mut options = std::fs::OpenOptions::new();
    options.create_new(true).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|err| io_error("create the archive", err))
}

fn table_path(name: &str) -> String {
    format!("tables/{name}.jsonl")
}

pub fn partial_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.partial"))
}

fn io_error(doing: &str, err: std::io::Error) -> DomainError {
    DomainError::Unavailable(format!("cannot {doing}: {err}"))
}

type Archive = tar::Archive<GzDecoder<BufReader<File>>>;

fn open(path: &Path) -> DomainResult<Archive> {
    let file = File::open(path).map_err(|err| io_error("open the archive", err))?;
    Ok(tar::Archive::new(GzDecoder::new(BufReader::new(file))))
}

/// The manifest, which must be the first entry.
fn first_manifest<R: Read>(entries: &mut tar::Entries<'_, R>) -> DomainResult<Manifest> {
    let first = entries
        .next()
        .ok_or_else(|| damaged("the archive is empty"))?
        .map_err(damaged_read)?;
    manifest_from(first)
}

/// Reads only the manifest (the first entry), for listing.
pub fn read_manifest(path: &Path) -> DomainResult<Manifest> {
    let mut tar = open(path)?;
    first_manifest(&mut tar.entries().map_err(damaged_read)?)
}

fn damaged_read(err: std::io::Error) -> DomainError {
    damaged(format!("the archive is damaged or cut short ({err})"))
}

fn manifest_from(mut entry: impl Read + HasPath) -> DomainResult<Manifest> {
    if entry.entry_path() != MANIFEST {
        return Err(damaged("the archive does not start with its manifest"));
    }
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).map_err(damaged_read)?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|err| damaged(format!("the manifest is not readable ({err})")))?;
    if manifest.format > FORMAT {
        return Err(damaged(format!(
            "the archive has format {}, newer than this Switchyard reads ({FORMAT}); restore it with a newer release",
            manifest.format
        )));
    }
    if manifest.digest()? != manifest.checksum {
        return Err(damaged(
            "the manifest's checksum does not match: it was altered or damaged",
        ));
    }
    Ok(manifest)
}

trait HasPath {
    fn entry_path(&self) -> String;
}

impl<R: Read> HasPath for tar::Entry<'_, R> {
    fn entry_path(&self) -> String {
        self.path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Unpacks the archive's tables into `dir`, checking every checksum and row count and
/// the gzip trailer. Returns the manifest and each table's file, in the manifest's order.
///
/// # Errors
/// `Validation` saying what is wrong: unreadable, cut short, a table missing, altered.
pub fn unpack(path: &Path, dir: &Path) -> DomainResult<(Manifest, Vec<PathBuf>)> {
    let mut tar = open(path)?;
    let mut entries = tar.entries().map_err(damaged_read)?;
    let manifest = first_manifest(&mut entries)?;
    let mut found: Vec<Option<PathBuf>> = vec![None; manifest.tables.len()];
    for entry in entries {
        let mut entry = entry.map_err(damaged_read)?;
        let name = entry.entry_path();
        let index = manifest
            .tables
            .iter()
            .position(|table| table_path(&table.name) == name)
            .ok_or_else(|| {
                damaged(format!(
                    "the archive holds {name}, which its manifest does not list"
                ))
            })?;
        let table = &manifest.tables[index];
        let target = dir.join(format!("{index:03}.jsonl"));
        let mut writer = TableWriter::create(target)?;
        let mut reader = BufReader::new(&mut entry);
        let mut line = Vec::new();
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line).map_err(damaged_read)? == 0 {
                break;
            }
            // Rows are parsed when they are loaded; the checksum has vouched for the bytes.
            writer.line(&line)?;
        }
        let (file, rows, sha256) = writer.finish()?;
        if sha256 != table.sha256 || rows != table.rows {
            return Err(damaged(format!(
                "table {}: {rows} row(s) whose checksum does not match the manifest's ({} row(s)): the archive was altered or damaged",
                table.name, table.rows
            )));
        }
        found[index] = Some(file);
    }
    // The gzip trailer's CRC is checked only when the stream is read to its end.
    let mut rest = tar.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink()).map_err(damaged_read)?;
    let missing: Vec<&str> = manifest
        .tables
        .iter()
        .zip(&found)
        .filter(|(_, file)| file.is_none())
        .map(|(table, _)| table.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(damaged(format!(
            "the archive lacks table(s) its manifest lists: {} (cut short or altered)",
            missing.join(", ")
        )));
    }
    Ok((manifest, found.into_iter().flatten().collect()))
}

/// The rows of one unpacked table file, `batch` at a time.
pub fn read_rows(path: &Path) -> DomainResult<impl Iterator<Item = DomainResult<Vec<serde_json::Value>>>> {
    let file = File::open(path).map_err(|err| io_error("read a working file", err))?;
    Ok(BufReader::new(file).split(b'\n').map(|line| {
        let line = line.map_err(|err| io_error("read a working file", err))?;
        serde_json::from_slice(&line)
            .map_err(|err| damaged(format!("the archive is damaged: a row is not readable ({err})")))
    }))
}
