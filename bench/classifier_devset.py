#!/usr/bin/env python3
"""Dev-set helper for the command classifier (not the runbook parser).

Extracts every labelled shell block of tests/fixtures/real-runbooks/, strips prompts and
output lines the way the Markdown parser is meant to (an approximation), replaces
`<placeholder>` words with quoted variable references, and writes a TSV
(file, block, label, script with `\\n` escapes) for the ignored test
`runbook::classify::bench::dev_set` to classify:

    python3 bench/classifier_devset.py > /tmp/devset.tsv
    OPSDECK_DEVSET=/tmp/devset.tsv cargo test --lib runbook::classify::bench -- --ignored --nocapture
"""
import csv
import re
import sys
from pathlib import Path

DIR = Path(__file__).resolve().parent.parent / "tests/fixtures/real-runbooks"

PROMPTS = [
    re.compile(r"^\$ ?(.*)$"),
    re.compile(r"^\[[^\]]+\][#$] ?(.*)$"),  # [root@db1 ~]#
    re.compile(r"^[\w.@-]+:[~\w/.-]*[$#] (.*)$"),  # user@host:~$ , host:~$
    re.compile(r"^[\w.@-]+@[\w.@-]+[$#] (.*)$"),
    re.compile(r"^(?:sh|bash)-[\d.]+[#$] (.*)$"),  # sh-5.1#
    re.compile(r"^[\w-]+ % (.*)$"),  # chef-repo %
    re.compile(r"^/[\w/.-]* \$ (.*)$"),  # / $ , /prometheus $
    re.compile(r"^ ~ (.*)$"),  # zsh
    re.compile(r"^[\w-]+\$ (.*)$"),  # worker$
    re.compile(r"^[\w-]+# (.*)$"),  # mon-a#, template1#
    re.compile(r"^[\w.-]+[=-][#>] ?(.*)$"),  # psql db=# db=> db-#
    re.compile(r"^[\w.-]+:\d+> ?(.*)$"),  # redis 10.0.0.1:6379>
    re.compile(r"^\(pprof\) (.*)$"),
]
ROOT_CMD = re.compile(r"^# ((?:/|gitlab-|pstree|for |ps |kill |sysctl|lsof|chroot|cat |ls |sudo ).*)$")


def fences(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    return lines


def block_text(lines, start):
    opener = lines[start - 1]
    indent = len(opener) - len(opener.lstrip(" "))
    s = opener.lstrip(" ")
    ch = s[0]
    n = len(s) - len(s.lstrip(ch))
    out = []
    for line in lines[start:]:
        t = line.lstrip(" ")
        if len(line) - len(t) <= indent + 3 and t.startswith(ch * n) and t.strip(ch).strip() == "":
            break
        k = 0
        while k < indent and k < len(line) and line[k] == " ":
            k += 1
        out.append(line[k:])
    return "\n".join(out)


def dedent(lines):
    ind = [len(l) - len(l.lstrip(" ")) for l in lines if l.strip()]
    k = min(ind) if ind else 0
    return [l[k:] for l in lines]


def strip(text, lang):
    lines = dedent(text.split("\n"))
    text = "\n".join(lines)
    has_prompt = any(any(p.match(l) for p in PROMPTS) for l in lines)
    root = lang in ("console", "-", "shell") and not any(PROMPTS[0].match(l) for l in lines)
    if root and any(ROOT_CMD.match(l) for l in lines):
        has_prompt = True
    if not has_prompt:
        return text
    out = []
    cont = False
    for l in lines:
        m = None
        for p in PROMPTS:
            m = p.match(l)
            if m:
                break
        if not m and root:
            m = ROOT_CMD.match(l)
        if m:
            out.append(m.group(1))
            cont = m.group(1).rstrip().endswith("\\")
        elif cont:
            out.append(l)
            cont = l.rstrip().endswith("\\")
        else:
            cont = False
    return "\n".join(out)


PH = re.compile(r"(?<![<\w])<([A-Za-z][\w.-]*(?: [\w.-]+)*)>")


def placeholders(text):
    def rep(m):
        name = re.sub(r"[^A-Za-z0-9]+", "_", m.group(1)).upper().strip("_")
        return '"${OPSDECK_PH_%s}"' % name

    return PH.sub(rep, text)


def main():
    langs = {}
    with open(DIR / "blocks.tsv", encoding="utf-8") as f:
        for row in list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]:
            langs[(row[0], int(row[1]))] = (int(row[2]), row[3])
    with open(DIR / "labels.tsv", encoding="utf-8") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    cache = {}
    for row in rows:
        file, idx, label = row[0], int(row[1]), row[2]
        start, lang = langs[(file, idx)]
        if file not in cache:
            cache[file] = fences(DIR / file)
        text = block_text(cache[file], start)
        script = placeholders(strip(text, lang))
        esc = script.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        print(f"{file}\t{idx}\t{label}\t{esc}")


if __name__ == "__main__":
    sys.exit(main())
