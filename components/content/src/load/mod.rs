//! The load stage: reads the site folder into data, every file once: `content/` (pages,
//! sections, their front matter and assets), the theme and the site's templates, data files.
//! Nothing here knows how a page is rendered or written.

pub mod builtin;
pub mod content;
pub mod data;
pub mod files;
pub mod frontmatter;
pub mod page;
mod place;
pub mod published;
pub mod read;
pub mod theme;
