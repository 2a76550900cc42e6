//! Converting text whose encoding is known: VNI exactly, TCVN3 with the case of its
//! case-ambiguous codes guessed from the words around them.

use super::tables::{apply_mark, tcvn3_char, vni_letter, vni_mark};

pub(super) fn vni_to_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if let Some(u) = vni_letter(c) {
            out.push(u);
        } else if let Some((shape, tone)) = vni_mark(c) {
            match out
                .chars()
                .next_back()
                .and_then(|p| apply_mark(p, shape, tone))
            {
                Some(m) => {
                    out.pop();
                    out.push(m);
                }
                // A mark with no vowel to sit on is an ordinary Latin-1 letter.
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A char of a line being converted from TCVN3; `amb` marks a code whose case is unknown.
#[derive(Clone, Copy)]
struct Mapped {
    c: char,
    amb: bool,
}

/// Case statistics of one whitespace-separated token of a line.
#[derive(Default)]
struct Token {
    start: usize,
    end: usize,
    upper: usize,
    lower: usize,
    amb: usize,
    /// Only letters between leading and trailing punctuation ("Ủy," yes; "31/KH" no).
    plain: bool,
    /// Ends with . ! or ? (maybe followed by a closing quote or bracket).
    ends_sentence: bool,
    /// Starts with something that is not a letter.
    punct_before: bool,
    /// Ends with something that is not a letter.
    punct_after: bool,
}

impl Token {
    fn has_letters(&self) -> bool {
        self.upper + self.lower + self.amb > 0
    }

    /// An all-capitals word: two or more capitals and no small letter.
    fn caps(&self) -> bool {
        self.plain && self.upper >= 2 && self.lower == 0
    }
}

pub(super) fn tcvn3_to_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let mut line: Vec<Mapped> = Vec::new();
    for raw in s.split_inclusive('\n') {
        line.clear();
        line.extend(raw.chars().map(|c| match tcvn3_char(c) {
            Some(u) => Mapped {
                c: u,
                amb: u.is_lowercase(),
            },
            None => Mapped { c, amb: false },
        }));
        convert_line(&mut line, &mut out);
    }
    out
}

/// Decides the case of the case-ambiguous letters of one line, then writes it out.
///
/// A word of capitals, or a short word next to one ("KẾ HOẠCH"), gets capitals; a word
/// with small letters gets small ones, except a first letter that starts a sentence.
fn convert_line(line: &mut [Mapped], out: &mut String) {
    let tokens = tokenize(line);
    for (k, t) in tokens.iter().enumerate() {
        if t.amb == 0 {
            continue;
        }
        // A capitals neighbour counts when it is a Vietnamese word itself (an acronym such
        // as "ASEAN" is not) and no punctuation stands between the two.
        let caps_word = |n: &Token| n.caps() && n.amb > 0;
        let caps_before = k
            .checked_sub(1)
            .map(|j| &tokens[j])
            .is_some_and(|p| caps_word(p) && !p.punct_after && !t.punct_before);
        let caps_after = tokens
            .get(k + 1)
            .is_some_and(|n| caps_word(n) && !t.punct_after && !n.punct_before);
        let upper_word = t.lower == 0 && (t.upper >= 2 || caps_before || caps_after);
        if upper_word {
            for m in &mut line[t.start..t.end] {
                if m.amb {
                    m.c = to_upper(m.c);
                }
            }
            continue;
        }
        let starts_sentence = match tokens[..k].iter().rev().find(|p| p.has_letters()) {
            None => true,
            Some(p) => p.ends_sentence,
        };
        if starts_sentence {
            if let Some(first) = line[t.start..t.end]
                .iter_mut()
                .find(|m| m.c.is_alphabetic())
            {
                if first.amb {
                    first.c = to_upper(first.c);
                }
            }
        }
    }
    out.extend(line.iter().map(|m| m.c));
}

pub(super) fn to_upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

/// Whitespace-separated tokens of a mapped line, with their case statistics.
fn tokenize(line: &[Mapped]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line[i].c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < line.len() && !line[i].c.is_whitespace() {
            i += 1;
        }
        let mut t = Token {
            start,
            end: i,
            ..Token::default()
        };
        for m in &line[start..i] {
            if m.amb {
                t.amb += 1;
            } else if m.c.is_uppercase() {
                t.upper += 1;
            } else if m.c.is_lowercase() {
                t.lower += 1;
            }
        }
        let word = &line[start..i];
        let is_letter = |m: &Mapped| m.c.is_alphabetic();
        let first = word.iter().position(is_letter);
        let last = word.iter().rposition(is_letter);
        t.punct_before = !word.first().is_some_and(is_letter);
        t.punct_after = !word.last().is_some_and(is_letter);
        t.plain = match (first, last) {
            (Some(a), Some(b)) => {
                word[a..=b].iter().all(is_letter)
                    && word[..a]
                        .iter()
                        .chain(&word[b + 1..])
                        .all(|m| !m.c.is_alphanumeric())
            }
            _ => false,
        };
        let tail = word
            .iter()
            .rev()
            .find(|m| !matches!(m.c, '"' | '\'' | ')' | ']' | '”' | '’' | '»'));
        t.ends_sentence = tail.is_some_and(|m| matches!(m.c, '.' | '!' | '?' | '…'));
        tokens.push(t);
    }
    tokens
}
