//! Result snippets: a short passage of a document with the words that matched the query marked,
//! as plain text and byte ranges, or as HTML where everything but the marks is escaped.

use std::ops::Range;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;

use crate::Error;

/// Longest snippet of a hit, in characters.
pub(crate) const SNIPPET_CHARS: usize = 200;

/// A passage of a document with the matched words located.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    /// The passage, as plain text (unescaped). It starts or ends with « … » when it was cut out
    /// of a longer text.
    pub text: String,
    /// Byte ranges of `text` holding matched words, sorted and not overlapping.
    pub highlights: Vec<Range<usize>>,
}

/// Marker put where a passage was cut.
const ELLIPSIS: &str = "…";

impl Snippet {
    /// Whether there is no passage at all.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The passage as HTML: every character escaped, matched words inside `<mark>…</mark>`.
    pub fn html(&self) -> String {
        let mut html = String::with_capacity(self.text.len() + 16 * self.highlights.len());
        let mut done = 0;
        for range in &self.highlights {
            // Ranges come from this crate; a range that does not fit is skipped, never trusted.
            if range.start < done || range.end > self.text.len() || range.start >= range.end {
                continue;
            }
            let (Some(before), Some(marked)) = (self.text.get(done..range.start), self.text.get(range.clone())) else {
                continue;
            };
            html.push_str(&escape_html(before));
            html.push_str("<mark>");
            html.push_str(&escape_html(marked));
            html.push_str("</mark>");
            done = range.end;
        }
        html.push_str(&escape_html(&self.text[done..]));
        html
    }

    /// A snippet from tantivy's, widened to whole words (the engine cuts at the first and last
    /// term, leaving closing punctuation out), with « … » where it was cut out of `source` (the
    /// text it was taken from).
    pub(crate) fn from_engine(snippet: &tantivy::snippet::Snippet, source: &str) -> Snippet {
        let range = snippet.fragment_range();
        let (Some(_), true) = (source.get(range.clone()), range.start <= range.end) else {
            return Snippet::default();
        };
        let start = source[..range.start]
            .char_indices()
            .rev()
            .find(|(_, ch)| ch.is_whitespace())
            .map_or(0, |(space, ch)| space + ch.len_utf8());
        let end = source[range.end..].find(char::is_whitespace).map_or(source.len(), |space| range.end + space);
        let mut text = String::with_capacity(end - start + 8);
        if !source[..start].trim().is_empty() {
            text.push_str(ELLIPSIS);
            text.push(' ');
        }
        // Highlights are relative to the engine's fragment, which starts at `range.start`.
        let shift = text.len() + (range.start - start);
        text.push_str(&source[start..end]);
        if !source[end..].trim().is_empty() {
            text.push(' ');
            text.push_str(ELLIPSIS);
        }
        let highlights = tantivy::snippet::collapse_overlapped_ranges(snippet.highlighted())
            .into_iter()
            .filter(|highlight| highlight.end <= range.end - range.start)
            .map(|highlight| highlight.start + shift..highlight.end + shift)
            .collect();
        Snippet { text, highlights }
    }

    /// The beginning of `text`, cut after at most `max_chars` characters at a word boundary,
    /// with nothing highlighted (for results of a search without words).
    pub(crate) fn leading(text: &str, max_chars: usize) -> Snippet {
        let text = text.trim();
        let Some((cut, _)) = text.char_indices().nth(max_chars) else {
            return Snippet { text: text.to_owned(), highlights: Vec::new() };
        };
        let head = &text[..cut];
        let head = match head.rfind(char::is_whitespace) {
            Some(space) if space > 0 => &head[..space],
            _ => head,
        };
        Snippet { text: format!("{} {ELLIPSIS}", head.trim_end()), highlights: Vec::new() }
    }
}

/// Finds the passage of a hit that shows the words of the query: in its main text first (a
/// description), else in a second text (units, details), else the beginning of the main text.
/// Shared by both indexes.
pub(crate) struct Highlighter {
    main: SnippetGenerator,
    second: SnippetGenerator,
}

impl Highlighter {
    /// The generators for `words` over the fields `main` and `second`; `None` when the query has
    /// no words (hits then show their beginning).
    pub(crate) fn new(
        searcher: &Searcher,
        words: &dyn Query,
        has_words: bool,
        main: Field,
        second: Field,
    ) -> Result<Option<Highlighter>, Error> {
        if !has_words {
            return Ok(None);
        }
        let generator = |field| -> Result<SnippetGenerator, Error> {
            let mut generator = SnippetGenerator::create(searcher, words, field)
                .map_err(Error::engine("la préparation des extraits"))?;
            generator.set_max_num_chars(SNIPPET_CHARS);
            Ok(generator)
        };
        Ok(Some(Highlighter { main: generator(main)?, second: generator(second)? }))
    }

    /// The snippet of one hit: `main_text` where the words are found in it, else `second_text`
    /// (computed only then) where they are, else the beginning of `leading`.
    pub(crate) fn snippet(
        highlighter: Option<&Highlighter>,
        main_text: &str,
        second_text: impl FnOnce() -> String,
        leading: &str,
    ) -> Snippet {
        let Some(highlighter) = highlighter else { return Snippet::leading(leading, SNIPPET_CHARS) };
        let found = highlighter.main.snippet(main_text);
        if !found.highlighted().is_empty() {
            return Snippet::from_engine(&found, main_text);
        }
        let second_text = second_text();
        let found = highlighter.second.snippet(&second_text);
        if found.highlighted().is_empty() {
            Snippet::leading(leading, SNIPPET_CHARS)
        } else {
            Snippet::from_engine(&found, &second_text)
        }
    }
}

/// Escapes the five characters that matter in HTML text and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_everything_outside_and_inside_the_marks() {
        let mut snippet = Snippet { text: "<b>données</b> & \"x\"".into(), highlights: Vec::new() };
        snippet.highlights.push(3..11);
        assert_eq!(snippet.html(), "&lt;b&gt;<mark>données</mark>&lt;/b&gt; &amp; &quot;x&quot;");
    }

    #[test]
    fn html_skips_ranges_that_do_not_fit() {
        let snippet = Snippet { text: "abcé".into(), highlights: vec![1..2, 0..1, 3..4, 2..40] };
        assert_eq!(snippet.html(), "a<mark>b</mark>cé");
    }

    #[test]
    fn leading_cuts_at_a_word_boundary() {
        assert_eq!(Snippet::leading("un deux trois", 8).text, "un deux …");
        assert_eq!(Snippet::leading("court", 8).text, "court");
    }
}
