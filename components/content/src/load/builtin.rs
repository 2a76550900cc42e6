//! The templates bangtin ships for the files every site gets besides its pages: the Atom and
//! RSS feeds, sitemap.xml, robots.txt and the redirect page of an alias. They are registered
//! before the theme's and the site's templates, so a `templates/` file of the same name in
//! either replaces them (as in Zola). Their contexts are in README.md ("Themes").

/// (template name, source) of each built-in template.
pub const BUILTIN_TEMPLATES: [(&str, &str); 5] = [
    ("atom.xml", include_str!("../../templates/atom.xml")),
    ("rss.xml", include_str!("../../templates/rss.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    ("robots.txt", include_str!("../../templates/robots.txt")),
    ("alias.html", include_str!("../../templates/alias.html")),
];

/// Where a built-in template comes from, as messages name it.
pub const BUILTIN_ORIGIN: &str = "(bangtin)/templates";
