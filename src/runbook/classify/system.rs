//! The grammar of a few system commands with many forms: tar, ip, iptables, openssl, the
//! language interpreters, go.
use super::rules::{Cx, V, de, has_flag, positionals, ro, short_has, un};

pub fn tar(args: &[String]) -> V {
    let first = args.first().map(String::as_str).unwrap_or("");
    let mode = first.trim_start_matches('-');
    if has_flag(
        args,
        &[
            "--to-command",
            "--checkpoint-action",
            "--use-compress-program",
            "--rsh-command",
            "--rmt-command",
            "-I",
        ],
    ) {
        return un("tar running a program");
    }
    let writes = has_flag(
        args,
        &[
            "--delete",
            "--append",
            "--update",
            "--catenate",
            "--concatenate",
            "--create",
            "--extract",
            "--get",
            "--index-file",
        ],
    );
    let listing = has_flag(args, &["--list"])
        || (!first.starts_with("--") && mode.contains('t') && !mode.chars().any(|c| "xcruA".contains(c)));
    if listing && !writes { ro("tar --list") } else { de("tar (extracts or creates files)") }
}

pub fn ip(args: &[String], cx: &Cx) -> V {
    if super::rules::has_flag(args, &["-b", "-batch", "-force"]) {
        return un("ip -batch (commands from a file)");
    }
    let p = positionals(args, &["-n", "-netns", "-f", "-family", "-rc", "-l", "-loops"]);
    if p.first() == Some(&"netns") && p.get(1) == Some(&"exec") {
        let at = args.iter().position(|a| a == "exec").map(|i| i + 2);
        if let Some(i) = at.filter(|i| *i < args.len()) {
            let (s, r) =
                super::rules::words(&args[i..], &cx.argdyn[i.min(cx.argdyn.len())..], cx.stdin, cx.depth + 1);
            return (s, format!("ip netns exec {r}"));
        }
    }
    match p.get(1).copied() {
        None
        | Some(
            "show" | "list" | "lst" | "get" | "monitor" | "sh" | "ls" | "s" | "l" | "help" | "identify"
            | "pids",
        ) => ro(format!("ip {} show", p.first().unwrap_or(&"")).replace("  ", " ")),
        Some(v) if p[0] == "monitor" => ro(format!("ip monitor {v}")),
        Some(v) => de(format!("ip {} {v}", p[0])),
    }
}

pub fn iptables(name: &str, args: &[String]) -> V {
    let writes = args.iter().any(|a| {
        (a.starts_with('-') && !a.starts_with("--") && a[1..].chars().any(|c| "ADIRFXPNZE".contains(c)))
            || [
                "--append",
                "--delete",
                "--insert",
                "--replace",
                "--flush",
                "--delete-chain",
                "--policy",
                "--new-chain",
                "--zero",
                "--rename-chain",
            ]
            .contains(&a.as_str())
    });
    if writes {
        de(format!("{name} (changes rules)"))
    } else if short_has(args, 'L') || short_has(args, 'S') || has_flag(args, &["--list", "--list-rules"]) {
        ro(format!("{name} --list"))
    } else {
        un(name)
    }
}

pub fn openssl(args: &[String]) -> V {
    let writes = [
        "-out",
        "-keyout",
        "-writerand",
        "-sess_out",
        "-keylogfile",
        "-CAcreateserial",
        "-respout",
        "-reqout",
        "-msgout",
        "-genkey",
    ];
    if has_flag(args, &writes) {
        return de("openssl -out (writes a file)");
    }
    let sub = args.first().map(String::as_str).unwrap_or("");
    let reads = [
        "x509",
        "s_client",
        "verify",
        "version",
        "ciphers",
        "crl",
        "asn1parse",
        "dgst",
        "req",
        "rsa",
        "ec",
        "pkey",
        "pkcs12",
        "pkcs7",
        "s_time",
        "speed",
        "rand",
        "base64",
        "enc",
        "list",
        "help",
        "errstr",
        "sess_id",
        "storeutl",
        "ocsp",
        "sha256",
        "sha1",
        "md5",
        "passwd",
        "prime",
        "crl2pkcs7",
        "nseq",
        "genrsa",
        "genpkey",
        "ecparam",
        "dhparam",
        "version",
    ];
    if reads.contains(&sub) { ro(format!("openssl {sub}")) } else { un(format!("openssl {sub}")) }
}

pub fn interpreter(name: &str, args: &[String], cx: &Cx) -> V {
    if args.len() >= 2 && args[0] == "-m" && matches!(args[1].as_str(), "json.tool" | "this") {
        return ro(format!("{name} -m {}", args[1]));
    }
    if matches!(args.first().map(String::as_str), Some("--version" | "-V" | "--help" | "-h"))
        && args.len() == 1
    {
        return ro(format!("{name} --version"));
    }
    match args.iter().position(|a| !a.starts_with('-')) {
        Some(i) if i == 0 || !matches!(args[i - 1].as_str(), "-c" | "-e" | "-m") => {
            super::scripts::script_file(name, &args[i], &args[i + 1..])
        }
        _ if args.is_empty() && cx.stdin.is_none() => ro(format!("{name} (an interactive session)")),
        _ => un(format!("{name} (runs arbitrary code)")),
    }
}

pub fn go(args: &[String]) -> V {
    let p = positionals(args, &["-o", "-http", "-output"]);
    match (p.first().copied(), p.get(1).copied()) {
        (Some("tool"), Some("pprof")) => {
            if has_flag(args, &["-http"]) || args.iter().any(|a| a.starts_with("-http=")) {
                de("go tool pprof -http (saves the profile, local artifact)")
            } else {
                de("go tool pprof (saves the fetched profile under ~/pprof, local artifact)")
            }
        }
        (Some("env"), _) if has_flag(args, &["-w", "-u"]) => de("go env -w (writes the go env file)"),
        (Some("version" | "env" | "list" | "doc" | "vet"), _) => ro(format!("go {}", p[0])),
        (Some(v), _) => de(format!("go {v}")),
        (None, _) => ro("go (help)"),
    }
}
