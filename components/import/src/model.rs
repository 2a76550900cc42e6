//! The document as read from Word, before it becomes Markdown: blocks (paragraphs, tables)
//! made of inlines (text with marks, breaks, links, pictures, note references).

/// Inline formatting that Markdown can carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Marks {
    pub bold: bool,
    /// Italic or underlined: both become emphasis.
    pub italic: bool,
    pub strike: bool,
    pub sup: bool,
    pub sub: bool,
}

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text(String, Marks),
    /// A line break inside the paragraph.
    Break,
    /// A hyperlink around its text.
    Link(String, Vec<Inline>),
    /// A picture: index into [`Document::images`].
    Image(usize),
    /// A footnote or endnote reference: its number in [`Document::notes`].
    Note(usize),
}

/// What kind of paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Normal,
    Title,
    /// A heading of Word level 1-6.
    Heading(u8),
    /// A list item: level (0-based), numbered or not, the list it belongs to, its number.
    Item {
        level: u8,
        ordered: bool,
        number: u32,
    },
}

/// A paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub kind: Kind,
    pub inlines: Vec<Inline>,
    /// Centered in Word (administrative headers and titles are).
    pub centered: bool,
}

impl Para {
    /// The paragraph's plain text (links' text included, pictures and notes left out).
    pub fn text(&self) -> String {
        let mut s = String::new();
        plain(&self.inlines, &mut s);
        s
    }
}

fn plain(inlines: &[Inline], out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text(t, _) => out.push_str(t),
            Inline::Break => out.push('\n'),
            Inline::Link(_, inner) => plain(inner, out),
            Inline::Image(_) | Inline::Note(_) => {}
        }
    }
}

/// A table cell; `span` columns wide; `merged` when it continues the cell above.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub blocks: Vec<Block>,
    pub span: u32,
    /// Vertically merged into the cell above (Word's `vMerge` continue).
    pub merged: bool,
}

/// A table row; `header` when Word repeats it on each page.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub header: bool,
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Para(Para),
    Table(Vec<Row>),
}

/// A picture found in the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Package name of the picture ("word/media/image1.jpeg").
    pub part: String,
    /// The description (alt text) or title Word holds; empty when there is none.
    pub alt: String,
    /// Word's name of the shape ("Picture 3"), for the report.
    pub name: String,
}

/// Things that were dropped or changed on the way, counted for the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub comments: usize,
    pub insertions: usize,
    pub deletions: usize,
    pub text_boxes: usize,
    /// Charts, SmartArt, equations, embedded objects: not carried over.
    pub objects: usize,
    /// Pictures that are only linked (not inside the file).
    pub linked_images: usize,
    /// Tables of contents (Word fields), left out: the site makes its own.
    pub tocs: usize,
    /// Runs converted from a legacy font, per font name.
    pub legacy: Vec<(String, usize)>,
}

/// A whole document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Footnotes then endnotes, numbered from 1 in order of first reference.
    pub notes: Vec<Vec<Block>>,
    pub images: Vec<Image>,
    pub counts: Counts,
}
