//! The write stage: the atomic output ([`sink`], with its [`marker`]), and the files a site
//! gets besides its templates' pages: [`feeds`], [`site_files`] (sitemap, redirects, search
//! index), [`statics`] (static files, assets, images).

pub mod feeds;
pub mod marker;
pub mod names;
pub mod sink;
pub mod site_files;
pub mod staging;
pub mod statics;
