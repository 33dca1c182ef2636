//! What each strftime directive of a path pattern can render to, so that a file name is
//! matched exactly: `%d` takes two digits, never `10.1`, so a size part (`app-2027-03-10.1.log`)
//! is never mistaken for a period of its own.

/// A run of pattern text: literal, or one directive's output.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Token {
    Literal(String),
    Directive(Field),
}

/// The text one directive renders to: `min..=max` characters of `class`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Field {
    min: usize,
    max: usize,
    class: Class,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    /// Digits, possibly after padding spaces (`%e`, `%_d`) and a sign (`%s`, `%z`).
    Number,
    /// Letters (`%b` `Mar`, `%p` `PM`).
    Letters,
    /// A time zone abbreviation or offset (`%Z`): letters, digits, `+`, `-`, `:`.
    Zone,
    /// Anything but `/` and `.`, for a directive whose output is not described here.
    Other,
}

impl Field {
    const fn new(min: usize, max: usize, class: Class) -> Field {
        Field { min, max, class }
    }

    /// Whether `text` is something this directive renders.
    pub(crate) fn accepts(&self, text: &str) -> bool {
        let n = text.chars().count();
        if n < self.min || n > self.max {
            return false;
        }
        match self.class {
            Class::Number => {
                let digits = text.trim_start_matches(' ').trim_start_matches(['+', '-']);
                !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
            }
            Class::Letters => text.chars().all(|c| c.is_alphabetic()),
            Class::Zone => text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | ':')),
            Class::Other => !text.contains(['/', '.']),
        }
    }

    /// The most characters this directive renders.
    pub(crate) fn max(&self) -> usize {
        self.max
    }
}

/// Splits a pattern into literal runs and directives; `%%` is a literal `%`, `%n` and `%t`
/// a newline and a tab, and the composite directives (`%F`, `%T`, `%D`, `%R`, `%r`) their
/// parts.
pub(crate) fn tokenize(pattern: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut literal = String::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        let mut flag = None;
        while let Some(&f) = chars
            .peek()
            .filter(|f| matches!(f, '-' | '_' | '0' | '^' | '#'))
        {
            flag = Some(f);
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut modifier = String::new();
        while let Some(&m) = chars
            .peek()
            .filter(|m| matches!(m, '.' | ':') || m.is_ascii_digit())
        {
            modifier.push(m);
            chars.next();
        }
        let Some(conversion) = chars.next() else {
            break;
        };
        let expansion = match conversion {
            '%' => {
                literal.push('%');
                continue;
            }
            'n' => Some("\n"),
            't' => Some("\t"),
            'F' => Some("%Y-%m-%d"),
            'T' => Some("%H:%M:%S"),
            'D' => Some("%m/%d/%y"),
            'R' => Some("%H:%M"),
            'r' => Some("%I:%M:%S %p"),
            _ => None,
        };
        match expansion {
            Some(text) if !text.contains('%') => literal.push_str(text),
            Some(parts) => {
                for token in tokenize(parts) {
                    push(&mut tokens, &mut literal, token);
                }
            }
            None => {
                let width = width.parse().ok();
                let field = field(conversion, flag, width, !modifier.is_empty());
                push(&mut tokens, &mut literal, Token::Directive(field));
            }
        }
    }
    if !literal.is_empty() {
        tokens.push(Token::Literal(literal));
    }
    tokens
}

/// Appends `token` after the literal text gathered so far.
fn push(tokens: &mut Vec<Token>, literal: &mut String, token: Token) {
    match token {
        Token::Literal(text) => literal.push_str(&text),
        directive => {
            if !literal.is_empty() {
                tokens.push(Token::Literal(std::mem::take(literal)));
            }
            tokens.push(directive);
        }
    }
}

/// What directive `conversion` renders, with its padding `flag`, explicit `width` and
/// whether it had a modifier (`%.3f`, `%:z`).
fn field(conversion: char, flag: Option<char>, width: Option<usize>, modified: bool) -> Field {
    use Class::{Letters, Number, Other, Zone};
    let number = |digits: usize| {
        // `-` drops the padding; otherwise the width is filled, with zeros or spaces.
        let max = width.unwrap_or(digits).max(digits);
        let min = if flag == Some('-') {
            1
        } else {
            width.unwrap_or(digits)
        };
        Field::new(min, max, Number)
    };
    match conversion {
        'Y' | 'G' => number(4),
        'm' | 'd' | 'e' | 'H' | 'k' | 'M' | 'S' | 'I' | 'l' | 'y' | 'C' | 'U' | 'W' | 'V' | 'g' => {
            number(2)
        }
        'j' => number(3),
        'u' | 'w' | 'q' => number(1),
        's' => Field::new(1, 20, Number),
        'f' | 'N' if modified => Field::new(1, 10, Other),
        'f' | 'N' => Field::new(1, 9, Number),
        'z' => Field::new(5, 9, Zone),
        'Z' => Field::new(1, 32, Zone),
        'a' | 'A' | 'b' | 'B' | 'h' | 'p' | 'P' => Field::new(1, 9, Letters),
        _ => Field::new(1, usize::MAX, Other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pattern: &str) -> Vec<Token> {
        tokenize(pattern)
    }

    #[test]
    fn each_directive_is_a_token_of_its_own() {
        let tokens = fields("app-%Y%m%d.%H.log");
        assert_eq!(tokens.len(), 7, "{tokens:?}");
        assert_eq!(tokens[0], Token::Literal("app-".into()));
        assert_eq!(tokens[4], Token::Literal(".".into()));
    }

    #[test]
    fn directives_take_exactly_what_they_render() {
        let day = field('d', None, None, false);
        assert!(day.accepts("09"));
        assert!(!day.accepts("9") && !day.accepts("10.1") && !day.accepts("101"));
        let day = field('d', Some('-'), None, false);
        assert!(day.accepts("9") && day.accepts("19") && !day.accepts("1.9"));
        let day = field('e', None, None, false);
        assert!(day.accepts(" 9") && day.accepts("19") && !day.accepts("9"));
        let year = field('Y', None, None, false);
        assert!(year.accepts("2026") && !year.accepts("202") && !year.accepts("20261"));
        let month = field('b', None, None, false);
        assert!(month.accepts("Mar") && !month.accepts("03") && !month.accepts("Mar.1"));
    }

    #[test]
    fn composites_expand() {
        assert_eq!(fields("%F"), fields("%Y-%m-%d"));
        assert_eq!(fields("%D"), fields("%m/%d/%y"));
        assert_eq!(fields("100%%.log"), vec![Token::Literal("100%.log".into())]);
    }
}
