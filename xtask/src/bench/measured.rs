//! Result lines of `weixin-bench` and `bench/wechatpy/bench.py`:
//! `BENCH <name> key=value key=value ...`.

/// One parsed result line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measured {
    /// The measurement, e.g. `steps`.
    pub(crate) name: String,
    fields: Vec<(String, String)>,
}

impl Measured {
    /// A field's text.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// A field as a number, or a message naming what is missing.
    pub(crate) fn number(&self, key: &str) -> Result<f64, String> {
        self.get(key)
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("result `{}` has no number `{key}`", self.name))
    }
}

/// Every result line in `output`.
pub(crate) fn parse(output: &str) -> Vec<Measured> {
    output
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            if words.next() != Some("BENCH") {
                return None;
            }
            let name = words.next()?.to_owned();
            let fields = words
                .filter_map(|word| word.split_once('='))
                .map(|(key, value)| (key.to_owned(), value.to_owned()))
                .collect();
            Some(Measured { name, fields })
        })
        .collect()
}

/// The result named `name` in `results`, or a message saying it is missing.
pub(crate) fn find<'a>(results: &'a [Measured], name: &str) -> Result<&'a Measured, String> {
    results
        .iter()
        .find(|measured| measured.name == name)
        .ok_or_else(|| format!("no `BENCH {name}` line in the output"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_result_lines_and_ignores_the_rest() {
        let output = "warming up\nBENCH steps per_sec=123456 us_each=8.1\nBENCH parse per_sec=9\n";
        let results = parse(output);
        assert_eq!(results.len(), 2);
        let steps = find(&results, "steps").unwrap();
        assert_eq!(steps.number("per_sec").unwrap(), 123_456.0);
        assert_eq!(steps.get("us_each"), Some("8.1"));
        assert!(steps.number("missing").is_err());
        assert!(find(&results, "memory").is_err());
    }
}
