//! A tiny `--key value` parser for the subcommands (they take only a few numbers and paths).

use std::collections::HashMap;
use std::str::FromStr;

/// Parsed `--key value` pairs and `--flag`s.
#[derive(Debug, Default, Clone)]
pub struct Args {
    values: HashMap<String, String>,
    flags: Vec<String>,
}

impl Args {
    /// Parses `--key value` pairs; `--flag` followed by another `--...` (or nothing) is a flag.
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = Self::default();
        let mut iter = args.iter().peekable();
        while let Some(arg) = iter.next() {
            let Some(key) = arg.strip_prefix("--") else {
                return Err(format!(
                    "unexpected argument `{arg}` (options are --key value)"
                ));
            };
            match iter.peek() {
                Some(next) if !next.starts_with("--") => {
                    parsed.values.insert(key.to_owned(), (*next).clone());
                    iter.next();
                }
                _ => parsed.flags.push(key.to_owned()),
            }
        }
        Ok(parsed)
    }

    /// Whether `--name` was given as a flag.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|flag| flag == name)
    }

    /// The string value of `--name`, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of `--name` parsed as `T`, or `default` when absent.
    pub fn num<T: FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.values.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse()
                .map_err(|_| format!("--{name} wants a number, not `{raw}`")),
        }
    }

    /// The value of `--name`, or an error naming it.
    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.get(name)
            .ok_or_else(|| format!("--{name} is required"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(words: &[&str]) -> Result<Args, String> {
        Args::parse(&words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn values_flags_and_numbers() {
        let args = parse(&["--count", "10", "--quick", "--out", "/tmp/x"]).unwrap();
        assert_eq!(args.num("count", 1_u64).unwrap(), 10);
        assert_eq!(args.num("rounds", 3_u32).unwrap(), 3);
        assert!(args.flag("quick"));
        assert_eq!(args.required("out").unwrap(), "/tmp/x");
        assert!(args.required("missing").is_err());
        assert!(
            parse(&["--count", "ten"])
                .unwrap()
                .num("count", 1_u64)
                .is_err()
        );
        assert!(parse(&["stray"]).is_err());
    }
}
