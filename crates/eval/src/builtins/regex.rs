//! Regular expressions: `match` and `split`, with POSIX extended regular expressions as Nix 2.8
//! compiles them (`std::regex::extended` of libstdc++, built with `__STRICT_ANSI__`).
//!
//! Patterns are translated into the syntax of `regex-automata` (the engine of the `regex`
//! crate) and run over bytes, as Nix does: `.` and bracket expressions match single bytes,
//! classes such as `[[:alpha:]]` are ASCII (the C locale), `.` and `[^a]` match a newline,
//! `^`/`$` only match at the ends of the string.
//!
//! What the translation accepts and rejects follows libstdc++: a backslash may only escape one
//! of `.[\()*+?{|^$` (so `\d`, `\w`, `\}`, `\/` are errors); inside brackets a backslash is an
//! ordinary character; `]` first in a bracket and `-` first or last are literal; a quantifier
//! needs something to repeat (`*a`, `a|*b`, `^*` are errors) but may follow another one (`a**`,
//! `a+?` means `(a+)?`: there are no lazy quantifiers); `{,n}` and `{m,n}` with `m > n` are
//! errors; `}` and `]` alone are literal; `[[.a.]]` and `[[=a=]]` name the single byte `a`.
//!
//! Matching semantics. `match` must cover the whole string; among the ways to do so, the
//! capture groups are those of the first one in backtracking order (left alternative first,
//! greedy repetition first), which is what libstdc++'s depth-first executor reports and what
//! the leftmost-first semantics of `regex-automata` also give. `split` finds, as libstdc++'s
//! `regex_iterator` does, the leftmost match and at that start the *longest* one (POSIX),
//! with the captures of the first path of that length; after an empty match it first tries a
//! non-empty match at the same place, then moves one byte on.
//!
//! Differences that remain (documented, not pinned by golden cases):
//! - a group inside a repetition that can match the empty string: libstdc++ ends with an
//!   extra empty iteration (`match "(a*)*" "aa"` gives `[ "" ]`), `regex-automata` reports the
//!   last non-empty one (`[ "aa" ]`);
//! - libstdc++ exhausts its stack on very long subject strings with some patterns (Nix then
//!   crashes or reports a regex error); the automata here run in linear time and never fail;
//! - repetition counts too large for `regex-automata`'s size limit are reported as an invalid
//!   regular expression, where libstdc++ may accept them (`x{2147483648}`);
//! - an equivalence class `[=a=]` is the byte itself (libstdc++ in the C locale agrees for
//!   ASCII); multi-character collating elements are rejected.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};

use super::PrimOp;
use crate::error::{EvalError, EvalResult};
use crate::eval::{CoerceMode, Machine};
use crate::source::Span;
use crate::value::{Context, Value};

pub static PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "match",
        arity: 2,
        doc: "Matches a POSIX extended regular expression against the whole string: `null` when \
              it does not match, else the list of the capture groups (`null` for a group that \
              took no part).",
        func: prim_match,
    },
    PrimOp {
        name: "split",
        arity: 2,
        doc: "Splits a string at the matches of a POSIX extended regular expression: the \
              non-matching pieces interleaved with lists of each match's capture groups.",
        func: prim_split,
    },
];

fn prim_match(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let pattern = m.force_string_no_context(&args[0], span)?;
    let re = compiled(pattern.as_bytes(), span)?;
    let mut ctx = Context::default();
    let subject = m.coerce_to_string(&args[1], span, CoerceMode::INTERPOLATION, &mut ctx)?;
    let mut caps = re.exact.create_captures();
    re.exact
        .captures(Input::new(&subject).anchored(Anchored::Yes), &mut caps);
    if !caps.is_match() {
        return Ok(Value::Null);
    }
    Ok(Value::list(groups(&caps, &subject)))
}

fn prim_split(m: &mut Machine, args: &[Value], span: Span) -> EvalResult<Value> {
    let pattern = m.force_string_no_context(&args[0], span)?;
    let re = compiled(pattern.as_bytes(), span)?;
    let subject_value = m.force(&args[1], span)?;
    let mut ctx = Context::default();
    let subject = m.coerce_to_string(&subject_value, span, CoerceMode::INTERPOLATION, &mut ctx)?;

    let mut out = Vec::new();
    let mut prefix_start = 0;
    let mut from = 0;
    let mut last_empty_at: Option<usize> = None;
    loop {
        let found = match last_empty_at {
            Some(p) => match re.longest_at(&subject, p) {
                Some(end) if end > p => Some((p, end)),
                _ if p >= subject.len() => None,
                _ => re.search(&subject, p + 1),
            },
            None => re.search(&subject, from),
        };
        let Some((start, end)) = found else { break };
        let caps = re.captures_between(&subject, start, end);
        out.push(Value::string(&subject[prefix_start..start]));
        out.push(Value::list(groups(&caps, &subject)));
        prefix_start = end;
        from = end;
        last_empty_at = (start == end).then_some(end);
        if start == end && end >= subject.len() {
            break;
        }
    }
    if out.is_empty() {
        // Nix returns the subject itself, context and all.
        return Ok(Value::list(vec![subject_value]));
    }
    out.push(Value::string(&subject[prefix_start..]));
    Ok(Value::list(out))
}

/// The capture groups (without the whole match) as Nix values.
fn groups(caps: &regex_automata::util::captures::Captures, subject: &[u8]) -> Vec<Value> {
    (1..caps.group_len())
        .map(|i| match caps.get_group(i) {
            Some(span) => Value::string(&subject[span.range()]),
            None => Value::Null,
        })
        .collect()
}

/// A pattern compiled for the searches `match` and `split` need.
struct Compiled {
    /// Leftmost-first, unanchored: finds where the leftmost match starts.
    find: Regex,
    /// All matches: run anchored, the last match it reports is the longest.
    longest: DFA,
    longest_cache: RefCell<DfaCache>,
    /// `(?:P)$`: the whole-string match and the captures of a match ending at the string's end.
    exact: Regex,
    /// `(?:P')$` where `P'` is `P` with its `$` unable to match: the captures of a match that
    /// ends before the string's end, run on the string cut there.
    exact_inner: Regex,
}

impl Compiled {
    /// The leftmost-longest match at or after `from`.
    fn search(&self, subject: &[u8], from: usize) -> Option<(usize, usize)> {
        let found = self.find.find(Input::new(subject).range(from..))?;
        let start = found.start();
        let end = self.longest_at(subject, start).unwrap_or(found.end());
        Some((start, end.max(found.end())))
    }

    /// The end of the longest match starting exactly at `start`.
    fn longest_at(&self, subject: &[u8], start: usize) -> Option<usize> {
        let mut cache = self.longest_cache.borrow_mut();
        let input = Input::new(subject).range(start..).anchored(Anchored::Yes);
        match self.longest.try_search_fwd(&mut cache, &input) {
            Ok(m) => m.map(|hm| hm.offset()),
            // The lazy DFA gave up: find the longest end by asking the exact automata.
            Err(_) => (start..=subject.len())
                .rev()
                .find(|&end| self.matches_exactly(subject, start, end)),
        }
    }

    fn matches_exactly(&self, subject: &[u8], start: usize, end: usize) -> bool {
        let (re, hay) = if end == subject.len() {
            (&self.exact, subject)
        } else {
            (&self.exact_inner, &subject[..end])
        };
        re.is_match(Input::new(hay).range(start..).anchored(Anchored::Yes))
    }

    /// The captures of the match spanning exactly `start..end`.
    fn captures_between(
        &self,
        subject: &[u8],
        start: usize,
        end: usize,
    ) -> regex_automata::util::captures::Captures {
        let (re, hay) = if end == subject.len() {
            (&self.exact, subject)
        } else {
            (&self.exact_inner, &subject[..end])
        };
        let mut caps = re.create_captures();
        re.captures(
            Input::new(hay).range(start..).anchored(Anchored::Yes),
            &mut caps,
        );
        caps
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<Vec<u8>, Rc<Compiled>>> = RefCell::new(HashMap::new());
}

/// The compiled form of a pattern, from the per-thread cache.
fn compiled(pattern: &[u8], span: Span) -> EvalResult<Rc<Compiled>> {
    if let Some(c) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(c);
    }
    let invalid = || {
        EvalError::other(
            "eval::invalid_regex",
            format!(
                "invalid regular expression '{}'",
                String::from_utf8_lossy(pattern)
            ),
            span,
        )
    };
    let translated = translate(pattern, false).map_err(|_| invalid())?;
    let inner = translate(pattern, true).map_err(|_| invalid())?;
    let syntax_config = syntax::Config::new()
        .unicode(false)
        .utf8(false)
        .dot_matches_new_line(true)
        .nest_limit(1000);
    let meta_config = || {
        Regex::config()
            .utf8_empty(false)
            .match_kind(MatchKind::LeftmostFirst)
    };
    let build = |p: &str| {
        Regex::builder()
            .syntax(syntax_config)
            .configure(meta_config())
            .build(p)
            .map_err(|_| invalid())
    };
    let find = build(&translated)?;
    let exact = build(&format!("(?:{translated})$"))?;
    let exact_inner = build(&format!("(?:{inner})$"))?;
    let longest = DFA::builder()
        .syntax(syntax_config)
        .configure(DFA::config().match_kind(MatchKind::All))
        .build(&translated)
        .map_err(|_| invalid())?;
    let longest_cache = RefCell::new(longest.create_cache());
    let c = Rc::new(Compiled {
        find,
        longest,
        longest_cache,
        exact,
        exact_inner,
    });
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        // A program generating patterns should not make the cache grow without bound.
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(pattern.to_vec(), c.clone());
    });
    Ok(c)
}

/// Why a pattern is not a valid POSIX extended regular expression (for libstdc++).
#[derive(Debug)]
pub struct Invalid;

/// Translates a POSIX ERE into `regex-syntax` syntax (to be compiled without Unicode). With
/// `no_end_anchor`, `$` becomes an assertion that never holds.
pub fn translate(pattern: &[u8], no_end_anchor: bool) -> Result<String, Invalid> {
    let mut t = Translator {
        p: pattern,
        i: 0,
        out: String::with_capacity(pattern.len() * 2),
        no_end_anchor,
        depth: 0,
    };
    t.alternation()?;
    if t.i != pattern.len() {
        return Err(Invalid);
    }
    Ok(t.out)
}

struct Translator<'a> {
    p: &'a [u8],
    i: usize,
    out: String,
    no_end_anchor: bool,
    depth: usize,
}

/// Matches no position at all (an empty byte class).
const NEVER: &str = "[^\\x00-\\xFF]";

impl Translator<'_> {
    fn peek(&self) -> Option<u8> {
        self.p.get(self.i).copied()
    }

    fn alternation(&mut self) -> Result<(), Invalid> {
        self.concatenation()?;
        while self.peek() == Some(b'|') {
            self.i += 1;
            self.out.push('|');
            self.concatenation()?;
        }
        Ok(())
    }

    fn concatenation(&mut self) -> Result<(), Invalid> {
        while let Some(c) = self.peek() {
            if c == b'|' || (c == b')' && self.depth > 0) {
                return Ok(());
            }
            self.piece()?;
        }
        Ok(())
    }

    /// An atom followed by any number of quantifiers.
    fn piece(&mut self) -> Result<(), Invalid> {
        let mut atom = String::new();
        std::mem::swap(&mut atom, &mut self.out);
        let repeatable = self.atom()?;
        std::mem::swap(&mut atom, &mut self.out);
        let mut quantified = false;
        while let Some(q) = self.quantifier()? {
            if !repeatable {
                return Err(Invalid);
            }
            atom = if quantified {
                format!("(?:{atom}){q}")
            } else {
                format!("{atom}{q}")
            };
            quantified = true;
        }
        self.out.push_str(&atom);
        Ok(())
    }

    /// Writes one atom; says whether a quantifier may follow it.
    fn atom(&mut self) -> Result<bool, Invalid> {
        let Some(c) = self.peek() else {
            return Err(Invalid);
        };
        self.i += 1;
        match c {
            b'(' => {
                self.out.push('(');
                self.depth += 1;
                self.alternation()?;
                self.depth -= 1;
                if self.peek() != Some(b')') {
                    return Err(Invalid);
                }
                self.i += 1;
                self.out.push(')');
                Ok(true)
            }
            b')' => Err(Invalid),
            b'.' => {
                self.out.push('.');
                Ok(true)
            }
            b'^' => {
                self.out.push('^');
                Ok(false)
            }
            b'$' => {
                self.out
                    .push_str(if self.no_end_anchor { NEVER } else { "$" });
                Ok(false)
            }
            b'[' => {
                self.bracket()?;
                Ok(true)
            }
            b'\\' => {
                let Some(e) = self.peek() else {
                    return Err(Invalid);
                };
                if !b".[\\()*+?{|^$".contains(&e) {
                    return Err(Invalid);
                }
                self.i += 1;
                push_byte(&mut self.out, e);
                Ok(true)
            }
            b'*' | b'+' | b'?' | b'{' => Err(Invalid),
            _ => {
                push_byte(&mut self.out, c);
                Ok(true)
            }
        }
    }

    /// A quantifier at the current position, translated, if there is one.
    fn quantifier(&mut self) -> Result<Option<String>, Invalid> {
        match self.peek() {
            Some(c @ (b'*' | b'+' | b'?')) => {
                self.i += 1;
                Ok(Some((c as char).to_string()))
            }
            Some(b'{') => {
                self.i += 1;
                let min = self.number().ok_or(Invalid)?;
                let max = if self.peek() == Some(b',') {
                    self.i += 1;
                    self.number()
                } else {
                    Some(min)
                };
                if self.peek() != Some(b'}') {
                    return Err(Invalid);
                }
                self.i += 1;
                match max {
                    Some(max) if max < min => Err(Invalid),
                    Some(max) => Ok(Some(format!("{{{min},{max}}}"))),
                    None => Ok(Some(format!("{{{min},}}"))),
                }
            }
            _ => Ok(None),
        }
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        std::str::from_utf8(&self.p[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    /// A bracket expression, after its `[`.
    fn bracket(&mut self) -> Result<(), Invalid> {
        self.out.push('[');
        if self.peek() == Some(b'^') {
            self.i += 1;
            self.out.push('^');
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(Invalid);
            };
            if c == b']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            let start = self.bracket_element()?;
            let dash_follows =
                self.peek() == Some(b'-') && self.p.get(self.i + 1).is_some_and(|&c| c != b']');
            match start {
                // A class or an equivalence class cannot start a range.
                Element::Class(_) | Element::Equivalence(_) if dash_follows => {
                    return Err(Invalid);
                }
                Element::Class(name) => {
                    let _ = write!(self.out, "[:{name}:]");
                }
                Element::Equivalence(b) => push_byte(&mut self.out, b),
                Element::Byte(lo) | Element::Collating(lo) if dash_follows => {
                    self.i += 1;
                    // Only a plain character ends a range (libstdc++ rejects `a-[.z.]`).
                    let Element::Byte(hi) = self.bracket_element()? else {
                        return Err(Invalid);
                    };
                    if hi < lo {
                        return Err(Invalid);
                    }
                    push_byte(&mut self.out, lo);
                    self.out.push('-');
                    push_byte(&mut self.out, hi);
                    // `[a-z-9]`: a range may not be followed by another `-` that is not last.
                    if self.peek() == Some(b'-') && self.p.get(self.i + 1) != Some(&b']') {
                        return Err(Invalid);
                    }
                }
                Element::Byte(b) | Element::Collating(b) => push_byte(&mut self.out, b),
            }
        }
        self.out.push(']');
        Ok(())
    }

    fn bracket_element(&mut self) -> Result<Element, Invalid> {
        let c = self.peek().ok_or(Invalid)?;
        self.i += 1;
        if c != b'[' {
            return Ok(Element::Byte(c));
        }
        let kind = match self.peek() {
            Some(k @ (b':' | b'.' | b'=')) => k,
            _ => return Ok(Element::Byte(b'[')),
        };
        self.i += 1;
        let start = self.i;
        loop {
            match self.p.get(self.i..self.i + 2) {
                Some([a, b']']) if *a == kind => break,
                Some(_) => self.i += 1,
                None => return Err(Invalid),
            }
        }
        let name = &self.p[start..self.i];
        self.i += 2;
        match kind {
            b':' => {
                let name = std::str::from_utf8(name).map_err(|_| Invalid)?;
                const CLASSES: &[&str] = &[
                    "alpha", "digit", "alnum", "upper", "lower", "space", "blank", "punct",
                    "print", "graph", "cntrl", "xdigit",
                ];
                let class = match name {
                    // libstdc++'s regex_traits also knows these.
                    "d" => "digit",
                    "s" => "space",
                    "w" => "word",
                    _ => CLASSES.iter().find(|c| **c == name).ok_or(Invalid)?,
                };
                Ok(Element::Class(class))
            }
            // libstdc++ rejects the collating element `[.-.]`.
            b'.' => match name {
                [b] if *b != b'-' => Ok(Element::Collating(*b)),
                _ => Err(Invalid),
            },
            _ => match name {
                [b] => Ok(Element::Equivalence(*b)),
                _ => Err(Invalid),
            },
        }
    }
}

enum Element {
    Byte(u8),
    /// `[.x.]`
    Collating(u8),
    /// `[=x=]`
    Equivalence(u8),
    /// `[:name:]`
    Class(&'static str),
}

/// A byte as a literal: ASCII letters and digits as themselves, everything else escaped.
fn push_byte(out: &mut String, b: u8) {
    if b.is_ascii_alphanumeric() {
        out.push(b as char);
    } else {
        let _ = write!(out, "\\x{b:02X}");
    }
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn rejects_what_libstdcxx_rejects() {
        for p in [
            "(",
            "a{",
            "{",
            "a{,2}",
            "*a",
            "a|*b",
            "+a",
            "?",
            "^*",
            "a{3,1}",
            "\\d",
            "\\}",
            "\\1",
            "[",
            "[z-a]",
            "[a-z-9]",
            "[[:foo:]]",
            "(a)\\",
            ")",
            "[[.-.]]",
            "[a-[.z.]]",
            "[[=a=]-c]",
            "[[:alpha:]-z]",
        ] {
            assert!(
                translate(p.as_bytes(), false).is_err(),
                "{p} should be invalid"
            );
        }
    }

    #[test]
    fn accepts_what_libstdcxx_accepts() {
        for p in [
            "a**",
            "a+?",
            "()",
            "(|a)",
            "a||b",
            "}",
            "]",
            "[]a]",
            "[^]]",
            "[a-]",
            "[[.a.]]",
            "[[=a=]]",
            "a{2}{3}",
            "a{2,}",
            "[\\]",
            "$",
            "a^",
            "[[:alpha:][:digit:]_]",
            "[[.a.]-c]",
            "[[=a=]b]",
            "[]-a]",
            "[--z]",
        ] {
            assert!(
                translate(p.as_bytes(), false).is_ok(),
                "{p} should be valid"
            );
        }
    }
}
