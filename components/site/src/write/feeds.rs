//! Atom and RSS feeds ([`FeedSpec`]: which feeds a site has and what they list), and the
//! XML of feeds, sitemap.xml, robots.txt and redirect pages.

use crate::diag::Diagnostic;
use crate::model::sort::newest;
use crate::render::jobs::WriteFn;
use crate::render::values::Model;
use chrono::NaiveDate;

/// One entry of a feed.
pub struct Entry<'a> {
    /// Title.
    pub title: &'a str,
    /// Absolute URL.
    pub url: String,
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// Last update.
    pub updated: Option<NaiveDate>,
    /// Summary or description (HTML).
    pub summary: &'a str,
}

/// What the feed is about.
pub struct Channel<'a> {
    /// Feed title.
    pub title: &'a str,
    /// Description.
    pub description: &'a str,
    /// Absolute URL of the page the feed belongs to.
    pub link: String,
    /// Absolute URL of the feed itself.
    pub self_url: String,
    /// Language code.
    pub lang: &'a str,
}

/// Escapes text for XML.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn rfc3339(d: NaiveDate) -> String {
    format!("{}T00:00:00+00:00", d.format("%Y-%m-%d"))
}

fn rfc2822(d: NaiveDate) -> String {
    d.format("%a, %d %b %Y 00:00:00 +0000").to_string()
}

/// An Atom feed.
pub fn atom(ch: &Channel<'_>, entries: &[Entry<'_>]) -> String {
    let newest = entries.iter().filter_map(|e| e.updated.or(e.date)).max();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    s.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<subtitle>{}</subtitle>\n<link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n<link href=\"{}\"/>\n<id>{}</id>\n<updated>{}</updated>\n<generator>bangtin</generator>\n",
        xml_escape(ch.lang),
        xml_escape(ch.title),
        xml_escape(ch.description),
        xml_escape(&ch.self_url),
        xml_escape(&ch.link),
        xml_escape(&ch.self_url),
        newest.map(rfc3339).unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into())
    ));
    for e in entries {
        let published = e.date.map(rfc3339);
        let updated = e
            .updated
            .or(e.date)
            .map(rfc3339)
            .unwrap_or_else(|| "1970-01-01T00:00:00+00:00".into());
        s.push_str(&format!(
            "<entry xml:lang=\"{}\">\n<title>{}</title>\n<link rel=\"alternate\" href=\"{}\" type=\"text/html\"/>\n<id>{}</id>\n{}<updated>{}</updated>\n<summary type=\"html\">{}</summary>\n</entry>\n",
            xml_escape(ch.lang),
            xml_escape(e.title),
            xml_escape(&e.url),
            xml_escape(&e.url),
            published.map(|p| format!("<published>{p}</published>\n")).unwrap_or_default(),
            updated,
            xml_escape(e.summary)
        ));
    }
    s.push_str("</feed>\n");
    s
}

/// An RSS 2.0 feed.
pub fn rss(ch: &Channel<'_>, entries: &[Entry<'_>]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    s.push_str(&format!(
        "<title>{}</title>\n<link>{}</link>\n<description>{}</description>\n<language>{}</language>\n<generator>bangtin</generator>\n<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        xml_escape(ch.title),
        xml_escape(&ch.link),
        xml_escape(ch.description),
        xml_escape(ch.lang),
        xml_escape(&ch.self_url)
    ));
    for e in entries {
        s.push_str(&format!(
            "<item>\n<title>{}</title>\n<link>{}</link>\n<guid>{}</guid>\n{}<description>{}</description>\n</item>\n",
            xml_escape(e.title),
            xml_escape(&e.url),
            xml_escape(&e.url),
            e.date.map(|d| format!("<pubDate>{}</pubDate>\n", rfc2822(d))).unwrap_or_default(),
            xml_escape(e.summary)
        ));
    }
    s.push_str("</channel>\n</rss>\n");
    s
}

/// One URL of the sitemap with its translations.
pub struct SitemapUrl {
    /// Absolute URL.
    pub loc: String,
    /// Last modification.
    pub lastmod: Option<NaiveDate>,
    /// (language, absolute URL) of every version, itself included, when translated.
    pub alternates: Vec<(String, String)>,
}

/// sitemap.xml with hreflang alternates.
pub fn sitemap(urls: &[SitemapUrl]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for u in urls {
        s.push_str("<url>\n<loc>");
        s.push_str(&xml_escape(&u.loc));
        s.push_str("</loc>\n");
        if let Some(d) = u.lastmod {
            s.push_str(&format!("<lastmod>{}</lastmod>\n", d.format("%Y-%m-%d")));
        }
        for (lang, href) in &u.alternates {
            s.push_str(&format!(
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                xml_escape(lang),
                xml_escape(href)
            ));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// robots.txt that allows everything and names the sitemap.
pub fn robots(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n")
}

/// A redirect page for an alias.
pub fn redirect(to: &str) -> String {
    let to = xml_escape(to);
    format!("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{to}</title><link rel=\"canonical\" href=\"{to}\"><meta name=\"robots\" content=\"noindex\"><meta http-equiv=\"refresh\" content=\"0; url={to}\"></head><body><p><a href=\"{to}\">{to}</a></p></body></html>\n")
}

/// A feed (Atom + RSS) and the pages it lists.
#[derive(Debug, Clone)]
pub(crate) struct FeedSpec {
    /// URL path of the listing the feed belongs to.
    pub path: String,
    /// Channel title.
    pub title: String,
    /// Channel description.
    pub description: String,
    /// Language code.
    pub lang: String,
    /// Entries, newest first.
    pub pages: Vec<usize>,
    /// The listing the entries are the head of.
    pub source: FeedSource,
}

/// Which listing a feed shows the head of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeedSource {
    /// A language's pages by date (index in `Config::all_languages`).
    Home(usize),
    /// Section `i`'s pages.
    Section(usize),
    /// Term `k` of taxonomy `t`.
    Term(usize, usize),
}

/// Every feed of the site: each section's that asks for one, each language's home feed, and
/// each term's of the taxonomies with `feed = true`.
pub(crate) fn feed_specs(model: &Model<'_>) -> Vec<FeedSpec> {
    let config = model.config;
    let content = model.content;
    let mut specs = Vec::new();
    for (i, s) in content.sections.iter().enumerate() {
        if s.front.generate_feeds {
            specs.push(FeedSpec {
                path: s.path.clone(),
                title: s.title.clone(),
                description: s.description.clone(),
                lang: s.lang.clone(),
                pages: s.pages.iter().copied().take(config.feed_limit).collect(),
                source: FeedSource::Section(i),
            });
        }
    }
    for (l, lang_code) in config.all_languages().into_iter().enumerate() {
        let prefix = config.lang_prefix(&lang_code);
        if config.generate_feeds {
            let list = newest(&content.pages, &lang_code, config.feed_limit);
            specs.push(FeedSpec {
                path: format!("{prefix}/"),
                title: config.title_in(&lang_code).to_string(),
                description: config.description_in(&lang_code).to_string(),
                lang: lang_code.clone(),
                pages: list,
                source: FeedSource::Home(l),
            });
        }
    }
    for (t, tax) in model.taxonomies.iter().enumerate() {
        if config.taxonomy(&tax.name).map(|c| c.feed).unwrap_or(false) {
            for (k, term) in tax.terms.iter().enumerate() {
                specs.push(FeedSpec {
                    path: tax.term_path(term),
                    title: term.name.clone(),
                    description: String::new(),
                    lang: tax.lang.clone(),
                    pages: term.pages.iter().copied().take(config.feed_limit).collect(),
                    source: FeedSource::Term(t, k),
                });
            }
        }
    }
    specs
}

/// Writes the Atom and RSS files of one feed.
pub(crate) fn write_feeds(
    write: &WriteFn<'_>,
    model: &Model<'_>,
    feed: &FeedSpec,
) -> Result<(), Diagnostic> {
    let FeedSpec {
        path,
        title,
        description,
        lang,
        pages,
        ..
    } = feed;
    let config = model.config;
    let entries: Vec<Entry<'_>> = pages
        .iter()
        .map(|&i| {
            let p = &model.content.pages[i];
            let b = &model.page_bodies[i];
            Entry {
                title: &p.title,
                url: config.absolute(&p.path),
                date: p.date,
                updated: p.updated,
                summary: b.summary.as_deref().filter(|s| !s.is_empty()).unwrap_or(
                    if p.description.is_empty() {
                        ""
                    } else {
                        &p.description
                    },
                ),
            }
        })
        .collect();
    let ch = |file: &str| Channel {
        title,
        description,
        link: config.absolute(path),
        self_url: config.absolute(&format!("{path}{file}")),
        lang,
    };
    write(
        &format!("{}atom.xml", path.trim_start_matches('/')),
        atom(&ch("atom.xml"), &entries).as_bytes(),
    )?;
    write(
        &format!("{}rss.xml", path.trim_start_matches('/')),
        rss(&ch("rss.xml"), &entries).as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_escape_and_date() {
        let ch = Channel {
            title: "Tin & bài",
            description: "d",
            link: "https://a.vn/".into(),
            self_url: "https://a.vn/atom.xml".into(),
            lang: "vi",
        };
        let e = [Entry {
            title: "<Biển>",
            url: "https://a.vn/x/".into(),
            date: NaiveDate::from_ymd_opt(2024, 1, 16),
            updated: None,
            summary: "<p>x</p>",
        }];
        let a = atom(&ch, &e);
        assert!(a.contains("<title>Tin &amp; bài</title>"));
        assert!(a.contains("<title>&lt;Biển&gt;</title>"));
        assert!(a.contains("<published>2024-01-16T00:00:00+00:00</published>"));
        let r = rss(&ch, &e);
        assert!(r.contains("<pubDate>Tue, 16 Jan 2024 00:00:00 +0000</pubDate>"));
    }

    #[test]
    fn sitemap_has_alternates() {
        let s = sitemap(&[SitemapUrl {
            loc: "https://a.vn/".into(),
            lastmod: None,
            alternates: vec![
                ("vi".into(), "https://a.vn/".into()),
                ("en".into(), "https://a.vn/en/".into()),
            ],
        }]);
        assert!(s.contains("hreflang=\"en\" href=\"https://a.vn/en/\""));
    }
}
