//! HTTP clients: the method and body of `curl`, `wget`, httpie decide; files they write are local artifacts.
use super::rules::{Cx, V, de, harmless_target, has_flag, positionals, ro, un, worst};

const CURL_SHORT_ARG: &str = "XdFTo HuAebcKrmwxEUyYzCDPQt";
#[rustfmt::skip]
const CURL_LONG_ARG: &[&str] = &[
    "--request", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--data-ascii", "--json",
    "--form", "--form-string", "--upload-file", "--output", "--header", "--user", "--user-agent", "--referer",
    "--cookie", "--cookie-jar", "--config", "--range", "--max-time", "--connect-timeout", "--write-out",
    "--proxy", "--cert", "--key", "--cacert", "--resolve", "--connect-to", "--retry", "--retry-delay",
    "--retry-max-time", "--url", "--output-dir", "--dump-header", "--limit-rate", "--interface",
    "--unix-socket", "--aws-sigv4", "--oauth2-bearer", "--variable", "--capath", "--proxy-user", "--noproxy",
    "--trace", "--trace-ascii", "--stderr",
];

/// curl: the method (`-X`), bodies (`-d`, `--data*`, `--json`, `-F`, `-T`) and files it
/// writes (`-o`, `-O`, `-c`, `-D`) decide; a plain GET, `-I` or `-s` is read-only.
#[derive(Default)]
struct CurlOpts {
    method: Option<(String, bool)>,
    body: bool,
    upload: bool,
    get: bool,
    head: bool,
    writes: Option<String>,
    config: bool,
}

impl CurlOpts {
    fn take(&mut self, flag: &str, val: &str, dynamic: bool) {
        match flag {
            "X" | "--request" => self.method = Some((val.to_ascii_uppercase(), dynamic)),
            "d" | "--data" | "--data-raw" | "--data-binary" | "--data-urlencode" | "--data-ascii"
            | "--json" | "F" | "--form" | "--form-string" => self.body = true,
            "T" | "--upload-file" => self.upload = true,
            "o" | "--output" | "c" | "--cookie-jar" | "D" | "--dump-header" | "--trace" | "--trace-ascii"
            | "--stderr"
                if !harmless_target(val) =>
            {
                self.writes = Some(val.to_string())
            }
            "--output-dir" => self.writes = Some(val.to_string()),
            "K" | "--config" => self.config = true,
            "H" | "--header" if val.to_ascii_lowercase().contains("method-override") => {
                self.method = Some((String::from("(method override header)"), true))
            }
            _ => {}
        }
    }
}

/// HTTP clients: `None` when `name` is not one.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    Some(match name {
        "curl" => curl(args, cx.argdyn),
        "wget" => wget(args),
        "http" | "https" | "xh" | "xhs" => httpie(name, args),
        _ => return None,
    })
}

fn curl(args: &[String], argdyn: &[bool]) -> V {
    let mut o = CurlOpts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let dyn_here = argdyn.get(i).copied().unwrap_or(false);
        let dyn_next = argdyn.get(i + 1).copied().unwrap_or(false);
        let next = args.get(i + 1).map(String::as_str).unwrap_or("");
        if a.starts_with("--") {
            if let Some((k, v)) = a.split_once('=') {
                o.take(k, v, dyn_here);
            } else if CURL_LONG_ARG.contains(&a) {
                o.take(a, next, dyn_next);
                i += 1;
            } else {
                match a {
                    "--get" => o.get = true,
                    "--head" => o.head = true,
                    "--remote-name" | "--remote-name-all" => o.writes = Some("(remote name)".into()),
                    _ => {}
                }
            }
        } else if a.starts_with('-') && a.len() > 1 {
            let chars: Vec<char> = a[1..].chars().collect();
            for (k, ch) in chars.iter().enumerate() {
                if *ch != ' ' && CURL_SHORT_ARG.contains(*ch) {
                    let rest: String = chars[k + 1..].iter().collect();
                    if rest.is_empty() {
                        o.take(&ch.to_string(), next, dyn_next);
                        i += 1;
                    } else {
                        o.take(&ch.to_string(), &rest, dyn_here);
                    }
                    break;
                }
                match ch {
                    'G' => o.get = true,
                    'I' => o.head = true,
                    'O' | 'J' => o.writes = Some("(remote name)".into()),
                    _ => {}
                }
            }
        }
        i += 1;
    }
    if o.config {
        return un("curl --config (options from a file)");
    }
    let mut v = match o.method {
        Some((_, true)) => un("curl with a method only known at run time"),
        Some((m, false)) if matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE") => {
            ro(format!("curl {m}"))
        }
        Some((m, false)) if matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE") => {
            de(format!("curl -X {m}"))
        }
        Some((m, false)) => un(format!("curl -X {m}")),
        None if o.upload => de("curl --upload-file (PUT)"),
        None if o.body && !o.get => de("curl with a request body (POST)"),
        None if o.head => ro("curl HEAD"),
        None => ro("curl GET"),
    };
    if let Some(f) = o.writes {
        v = worst(v, de(format!("curl writes the file {f}")));
    }
    v
}

fn wget(args: &[String]) -> V {
    let mut to_stdout = false;
    for (i, a) in args.iter().enumerate() {
        if a.starts_with("--post-data")
            || a.starts_with("--post-file")
            || a.starts_with("--body-data")
            || a.starts_with("--body-file")
        {
            return de("wget with a request body (POST)");
        }
        if let Some(m) = a.strip_prefix("--method=")
            && !matches!(m.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS")
        {
            return de(format!("wget --method={m}"));
        }
        if a == "--spider" {
            to_stdout = true;
        }
        let target = if a == "-O" || a == "--output-document" {
            args.get(i + 1).map(String::as_str)
        } else if let Some(v) = a.strip_prefix("--output-document=") {
            Some(v)
        } else if a.starts_with('-') && !a.starts_with("--") {
            a.find('O')
                .map(|p| &a[p + 1..])
                .map(|r| if r.is_empty() { args.get(i + 1).map(String::as_str).unwrap_or("") } else { r })
        } else {
            None
        };
        if let Some(t) = target {
            to_stdout = harmless_target(t);
        }
    }
    if to_stdout { ro("wget -O -") } else { de("wget (writes a file)") }
}

fn httpie(name: &str, args: &[String]) -> V {
    let p = positionals(
        args,
        &[
            "-a",
            "--auth",
            "-A",
            "--auth-type",
            "--session",
            "--verify",
            "--cert",
            "--cert-key",
            "-o",
            "--output",
        ],
    );
    if has_flag(args, &["-o", "--output", "-d", "--download"]) {
        return de(format!("{name} --download"));
    }
    let method = p.first().filter(|m| m.chars().all(|c| c.is_ascii_uppercase()) && !m.is_empty()).copied();
    let body = p.iter().skip(if method.is_some() { 2 } else { 1 }).any(|item| {
        !item.contains("==") && (item.contains('=') || item.contains(":=") || item.contains('@'))
    });
    match method {
        Some(m @ ("GET" | "HEAD" | "OPTIONS")) => ro(format!("{name} {m}")),
        Some(m) => de(format!("{name} {m}")),
        None if body || has_flag(args, &["-f", "--form"]) => de(format!("{name} with a body (POST)")),
        None => ro(format!("{name} GET")),
    }
}
