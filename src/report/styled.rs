//! Terminal text with a style on each piece: the report says how a figure
//! reads (a heading, a note, good, a warning, bad), the CLI decides whether
//! and how to colour it. Without colour the text is exactly its pieces.

use crate::analysis::FairnessBand;

/// How a piece of text reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Plain,
    /// Explanations a reader may skip.
    Muted,
    Good,
    Warn,
    Bad,
}

impl Tone {
    /// A rep's P(attain) against the fairness band: bad below it (unlikely
    /// to make quota), a warning above it (the quota is too easy).
    pub fn of_p_attain(p: f64) -> Tone {
        match FairnessBand::of(p) {
            FairnessBand::Below => Tone::Bad,
            FairnessBand::Above => Tone::Warn,
            FairnessBand::Within => Tone::Plain,
        }
    }

    /// The team's chance of making its target: good from 70 %, a warning
    /// from 50 %, bad below.
    pub fn of_p_team(p: f64) -> Tone {
        if p >= 0.7 {
            Tone::Good
        } else if p >= 0.5 {
            Tone::Warn
        } else {
            Tone::Bad
        }
    }
}

/// A tone, and whether the piece stands out (headings, the headline).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub tone: Tone,
    pub strong: bool,
}

impl Style {
    pub const PLAIN: Style = Style {
        tone: Tone::Plain,
        strong: false,
    };
    pub const HEADING: Style = Style {
        tone: Tone::Plain,
        strong: true,
    };

    pub fn tone(tone: Tone) -> Style {
        Style {
            tone,
            strong: false,
        }
    }

    pub fn is_plain(self) -> bool {
        self == Style::PLAIN
    }
}

/// Text in styled pieces. Pieces may hold line breaks; a renderer styles
/// each line of a piece on its own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Styled {
    pieces: Vec<(String, Style)>,
}

impl Styled {
    pub fn new() -> Styled {
        Styled::default()
    }

    /// Appends `text` in `style`.
    pub fn push(&mut self, text: impl Into<String>, style: Style) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        match self.pieces.last_mut() {
            Some((last, s)) if *s == style => last.push_str(&text),
            _ => self.pieces.push((text, style)),
        }
    }

    pub fn plain(&mut self, text: impl Into<String>) {
        self.push(text, Style::PLAIN);
    }

    /// Appends every line of `text` (each ending in a newline) in `style`.
    pub fn lines(&mut self, text: &str, style: Style) {
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches('\n');
            self.push(body, style);
            self.plain(&line[body.len()..]);
        }
    }

    pub fn append(&mut self, other: Styled) {
        for (text, style) in other.pieces {
            self.push(text, style);
        }
    }

    pub fn pieces(&self) -> &[(String, Style)] {
        &self.pieces
    }

    /// The text without styles.
    pub fn text(&self) -> String {
        self.pieces.iter().map(|(t, _)| t.as_str()).collect()
    }
}

/// `write!` into styled text writes plain text.
impl std::fmt::Write for Styled {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.plain(s);
        Ok(())
    }
}

impl From<String> for Styled {
    fn from(text: String) -> Styled {
        let mut s = Styled::new();
        s.plain(text);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_one_style_join_and_text_is_their_concatenation() {
        let mut s = Styled::new();
        s.plain("a ");
        s.plain("b");
        s.push("45.0%", Style::tone(Tone::Bad));
        s.lines("x\ny\n", Style::HEADING);
        assert_eq!(s.text(), "a b45.0%x\ny\n");
        assert_eq!(s.pieces().len(), 6);
        assert_eq!(Tone::of_p_attain(0.29), Tone::Bad);
        assert_eq!(Tone::of_p_attain(0.81), Tone::Warn);
        assert_eq!(Tone::of_p_attain(0.5), Tone::Plain);
        assert_eq!(Tone::of_p_team(0.7), Tone::Good);
        assert_eq!(Tone::of_p_team(0.5), Tone::Warn);
        assert_eq!(Tone::of_p_team(0.49), Tone::Bad);
    }
}
