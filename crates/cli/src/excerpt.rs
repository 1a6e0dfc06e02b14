//! The part of a source file a rendered diagnostic shows, handed to miette in place of the
//! whole file.
//!
//! miette finds a label's line by scanning its source from the start, and a `NamedSource`
//! owns its text: given whole files, rendering N diagnostics of a file costs N copies and N
//! scans of it — `ntop check` of 190 000 nested `let`s (190 000 warnings) took 27 s. An
//! [`Excerpt`] holds only the lines around the labels (found through the file's line table)
//! and reports spans and line numbers as if it were the whole file, so the picture is the
//! same and each diagnostic costs what it shows.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use ntop_eval::source::{SourceFile, Span};

/// Lines kept around the labelled ones: at least miette's context (one line each way).
const MARGIN: usize = 2;

pub struct Excerpt {
    name: String,
    text: String,
    /// Where `text` starts in the file: a byte offset and a 0-based line.
    offset: usize,
    line: usize,
}

impl Excerpt {
    /// The lines of `file` from `MARGIN` before the first of `spans` to `MARGIN` after the
    /// last (all spans in `file`; at least one).
    pub fn covering(file: &SourceFile, spans: impl IntoIterator<Item = Span>) -> Excerpt {
        let (start, end) = spans.into_iter().fold((u32::MAX, 0), |(start, end), s| {
            (start.min(s.start), end.max(s.end))
        });
        // No spans (never passed) would leave start past end: show the first line then.
        let start = start.min(end);
        let last_line = file.line_count() - 1;
        let first = (file.line_col(start).0 as usize - 1).saturating_sub(MARGIN);
        let last = (file.line_col(end).0 as usize - 1 + MARGIN).min(last_line);
        let offset = file.line_range(first).start;
        let stop = file.line_range(last).end;
        Excerpt {
            name: file.display_name(),
            text: file.text[offset..stop].to_owned(),
            offset,
            line: first,
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local_start = span
            .offset()
            .checked_sub(self.offset)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(local_start.into(), span.len());
        let inner =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        let shown = SourceSpan::new(
            (inner.span().offset() + self.offset).into(),
            inner.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            shown,
            inner.line() + self.line,
            inner.column(),
            inner.line_count(),
        )))
    }
}
