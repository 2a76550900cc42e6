//! `bangtin import`: a teacher's Word document (.docx) becomes a page bundle
//! `content/SECTION/<slug>/index.md` with its pictures beside it.
//!
//! The package is read safely ([`archive`]), its styles, lists and text into a small model
//! (`document`), administrative documents (Nghị định 30/2020 layout) are recognised
//! (`admin`), pictures extracted (`media`), and tidy Markdown written (`markdown`) in one
//! atomic step (`write`). [`import_docx`] is the one entry point; it returns a [`Report`] of
//! what was done and what could not be carried over.

mod admin;
pub mod archive;
mod document;
mod error;
mod frontmatter;
mod markdown;
mod media;
mod model;
mod numbering;
mod rels;
mod report;
mod styles;
mod write;
mod xml;

pub use error::ImportError;
pub use report::{Note, Report};

use model::{Block, Document, Kind};
use std::path::{Path, PathBuf};

/// Where and how to import.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Section folder under content/ ("ke-hoach"); `None`: the home section, content/ itself.
    pub section: Option<String>,
    /// The page's folder name; `None`: from the title. An explicit name is never suffixed:
    /// when taken, the import is refused.
    pub slug: Option<String>,
    /// Mark the page `draft = true`.
    pub draft: bool,
}

/// Imports `docx` into the site at `root`. Nothing is written unless everything succeeded.
pub fn import_docx(root: &Path, docx: &Path, opts: &Options) -> Result<Report, ImportError> {
    let dir = section_dir(root, opts.section.as_deref())?;
    if let Some(s) = &opts.slug {
        if !plain_name(s) {
            return Err(ImportError::BadName { name: s.clone() });
        }
    }
    let mut pkg = archive::Package::open(docx)?;
    let mut doc = document::read(&mut pkg)?;
    let media = media::extract(&mut pkg, &doc.images)?;
    let admin = admin::recognise(&mut doc.blocks);
    let source = docx
        .file_name()
        .map(|n| vi::nfc_owned(n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let title = match &admin {
        Some(a) => a.title(),
        None => take_title(&mut doc.blocks).unwrap_or_else(|| {
            let stem = Path::new(&source).file_stem().unwrap_or_default();
            stem.to_string_lossy().replace(['_', '-'], " ")
        }),
    };
    let title = vi::nfc_owned(title.split_whitespace().collect::<Vec<_>>().join(" "));
    let description = match &admin {
        Some(a) => a.description(),
        None => first_sentence(&doc.blocks),
    };
    let wanted = match &opts.slug {
        Some(s) => s.clone(),
        None => short_slug(&title, &source),
    };
    let slug = write::free_slug(&dir, &wanted, opts.slug.is_some())?;
    let body = markdown::render(&doc.blocks, &doc.notes, &media.pictures);
    let image = media
        .pictures
        .iter()
        .find(|p| !p.file.is_empty() && !p.alt.trim().is_empty())
        .map(|p| (p.file.as_str(), p.alt.as_str()));
    let front = frontmatter::render(&frontmatter::Front {
        title: &title,
        description: &description,
        date: admin
            .as_ref()
            .and_then(|a| a.date)
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        draft: opts.draft,
        source: &source,
        admin: admin.as_ref(),
        image,
    });
    let page = write::bundle(&dir, &slug, &vi::nfc_owned(front + &body), &media.files)?;
    let mut report = summarise(&doc, &media, admin.is_some());
    if slug != wanted {
        report.remarks.push(Note::SlugTaken {
            wanted,
            used: slug.clone(),
        });
    }
    report.remarks.sort_by_key(|r| !r.is_warning());
    Ok(Report {
        source: docx.to_path_buf(),
        page,
        slug,
        title,
        ..report
    })
}

/// The Markdown body a .docx held in memory would give, written nowhere (a preview for the
/// browser desk; also what the fuzzer drives).
pub fn preview(name: &Path, bytes: Vec<u8>) -> Result<String, ImportError> {
    let mut pkg = archive::Package::from_bytes(name, bytes)?;
    let mut doc = document::read(&mut pkg)?;
    let media = media::extract(&mut pkg, &doc.images)?;
    admin::recognise(&mut doc.blocks);
    take_title(&mut doc.blocks);
    Ok(markdown::render(&doc.blocks, &doc.notes, &media.pictures))
}

/// `content/SECTION`, which must be a section (hold `_index.md`).
fn section_dir(root: &Path, section: Option<&str>) -> Result<PathBuf, ImportError> {
    let content = root.join("content");
    let Some(section) = section
        .map(|s| s.trim_matches(['/', '\\']))
        .filter(|s| !s.is_empty())
    else {
        if content.join("_index.md").exists() {
            return Ok(content);
        }
        return Err(ImportError::NoSection {
            section: String::new(),
            known: Vec::new(),
        });
    };
    if !section.split(['/', '\\']).all(plain_name) {
        return Err(ImportError::BadName {
            name: section.to_string(),
        });
    }
    let dir = content.join(section);
    if dir.join("_index.md").exists() {
        return Ok(dir);
    }
    let mut known: Vec<String> = std::fs::read_dir(&content)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().join("_index.md").exists())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    Err(ImportError::NoSection {
        section: section.to_string(),
        known,
    })
}

/// Lower-case ASCII letters, digits, '-' and '_', not starting with '.' or '-'.
fn plain_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(['-', '.'])
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A slug of the title, cut at a word under 80 characters; else of the file name.
fn short_slug(title: &str, source: &str) -> String {
    let mut out = String::new();
    for w in vi::slugify(title).split('-').filter(|w| !w.is_empty()) {
        if !out.is_empty() && out.len() + w.len() + 1 > 80 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        let stem = Path::new(source).file_stem().unwrap_or_default();
        out = vi::slugify(&stem.to_string_lossy());
    }
    if out.is_empty() || out.starts_with('-') {
        "bai-viet".into()
    } else {
        out
    }
}

/// The title: the Title-style paragraph(s), else the first heading; taken out of the body.
fn take_title(blocks: &mut Vec<Block>) -> Option<String> {
    let is_kind = |b: &Block, title: bool| match b {
        Block::Para(p) => match p.kind {
            Kind::Title => title,
            Kind::Heading(_) => !title,
            _ => false,
        },
        _ => false,
    };
    let at = blocks
        .iter()
        .position(|b| is_kind(b, true))
        .or_else(|| blocks.iter().position(|b| is_kind(b, false)))?;
    match blocks.remove(at) {
        Block::Para(p) => Some(p.text().split_whitespace().collect::<Vec<_>>().join(" ")),
        Block::Table(_) => None,
    }
}

/// The first paragraph's text, cut at a word under 200 characters.
fn first_sentence(blocks: &[Block]) -> String {
    let Some(text) = blocks.iter().find_map(|b| match b {
        Block::Para(p) if p.kind == Kind::Normal && !p.text().trim().is_empty() => Some(p.text()),
        _ => None,
    }) else {
        return String::new();
    };
    let mut out = String::new();
    for w in text.split_whitespace() {
        if out.chars().count() + w.chars().count() + 1 > 200 {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Counts and remarks of an import (source, page, slug and title are filled in later).
fn summarise(doc: &Document, media: &media::Media, administrative: bool) -> Report {
    let mut r = Report {
        source: PathBuf::new(),
        page: PathBuf::new(),
        slug: String::new(),
        title: String::new(),
        paragraphs: 0,
        headings: 0,
        list_items: 0,
        tables: 0,
        notes: doc.notes.len(),
        images: media.files.iter().map(|(n, _)| n.clone()).collect(),
        administrative,
        remarks: Vec::new(),
    };
    for b in &doc.blocks {
        match b {
            Block::Table(_) => r.tables += 1,
            Block::Para(p) => match p.kind {
                Kind::Heading(_) | Kind::Title => r.headings += 1,
                Kind::Item { .. } => r.list_items += 1,
                Kind::Normal => r.paragraphs += 1,
            },
        }
    }
    r.remarks = remarks(doc, media, administrative);
    r
}

/// What the teacher should know about an import, as data.
fn remarks(doc: &Document, media: &media::Media, administrative: bool) -> Vec<Note> {
    let c = &doc.counts;
    let mut notes = Vec::new();
    for p in media.pictures.iter().filter(|p| !p.file.is_empty()) {
        if p.alt.trim().is_empty()
            && !notes.contains(&Note::ImageWithoutAlt {
                file: p.file.clone(),
            })
        {
            notes.push(Note::ImageWithoutAlt {
                file: p.file.clone(),
            });
        }
    }
    for (name, format) in &media.unsupported {
        notes.push(Note::ImageNotCarried {
            name: name.clone(),
            format: format.clone(),
        });
    }
    let counted = [
        (
            c.linked_images,
            Note::LinkedImages {
                count: c.linked_images,
            },
        ),
        (c.objects, Note::Objects { count: c.objects }),
        (c.comments, Note::Comments { count: c.comments }),
        (
            c.insertions + c.deletions,
            Note::TrackedChanges {
                insertions: c.insertions,
                deletions: c.deletions,
            },
        ),
        (
            c.text_boxes,
            Note::TextBoxes {
                count: c.text_boxes,
            },
        ),
        (c.tocs, Note::TableOfContents),
    ];
    notes.extend(
        counted
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(_, note)| note),
    );
    for (font, runs) in &c.legacy {
        notes.push(Note::LegacyFont {
            font: font.clone(),
            runs: *runs,
        });
    }
    if administrative {
        notes.push(Note::Administrative);
    }
    notes
}
