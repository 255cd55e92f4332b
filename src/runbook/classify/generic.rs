//! Plain Unix commands. `READ_ONLY` holds only commands that cannot write for any argument;
//! every other command is read-only only in the forms its rule names.
use super::rules::{Cx, V, de, forms, harmless_target, has_flag, positionals, ro, short_has, un};
use super::{filters, system};
use crate::runbook::types::Safety;

/// Commands that only read, whatever their arguments (redirections are judged apart).
#[rustfmt::skip]
const READ_ONLY: &[&str] = &[
    "echo", "printf", "cat", "head", "tail", "grep", "egrep", "fgrep", "zgrep", "zcat", "bzcat", "xzcat",
    "zless", "jq", "wc", "cut", "tr", "sleep", "dig", "nslookup", "host", "whois", "ping", "ping6",
    "traceroute", "tracepath", "mtr", "ps", "pgrep", "pidof", "pstree", "df", "du", "free", "uptime",
    "vmstat", "iostat", "mpstat", "pidstat", "sadf", "netstat", "lsof", "whoami", "id", "groups", "uname",
    "which", "whereis", "type", "true", "false", "test", "[", "[[", "printenv", "pwd", "cd", "pushd", "popd",
    "export", "basename", "dirname", "readlink", "realpath", "stat", "md5sum", "sha1sum", "sha224sum",
    "sha256sum", "sha384sum", "sha512sum", "b2sum", "cksum", "diff", "cmp", "column", "more", "tac", "rev",
    "nl", "paste", "join", "comm", "seq", "yes", "expr", "bc", "locate", "getent", "w", "who", "lsblk",
    "nproc", "lscpu", "lsmod", "lspci", "lsusb", "lsns", "lsipc", "lslocks", "lsmem", "findmnt", "tput",
    "clear", ":", "read", "local", "declare", "typeset", "readonly", "unset", "set", "shift", "exit",
    "return", "break", "continue", "wait", "alias", "unalias", "umask", "ulimit", "top", "htop", "iotop",
    "iftop", "nethogs", "ls", "fold", "fmt", "strings", "od", "hexdump", "envsubst", "numfmt", "pg_isready",
    "getconf", "locale", "tty", "mapfile", "readarray", "let", "hatop", "nload", "slabtop", "hostid", "arch",
    "factor", "tsort", "expand", "unexpand", "pr", "look", "cal", "users", "pinky", "logname", "last",
    "lastb", "numastat", "ipcs", "showmount", "rpcinfo", "drill", "delv", "lsattr", "getfacl", "getcap",
    "namei", "vdir", "dir", "sum", "ldd", "nm", "objdump", "readelf", "size", "pmap", "pwdx", "tload", "jobs",
    "times", "hash", "caller", "help", "dirs", "shopt",
];

/// Commands that change something, whatever their arguments.
#[rustfmt::skip]
const DESTRUCTIVE: &[&str] = &[
    "rm", "rmdir", "mv", "cp", "dd", "truncate", "shred", "chmod", "chown", "chgrp", "chattr", "setfacl",
    "setcap", "ln", "mkdir", "mkfifo", "mknod", "mktemp", "touch", "install", "scp", "sftp", "pkill",
    "killall", "reboot", "shutdown", "halt", "poweroff", "fdisk", "sfdisk", "gdisk", "sgdisk", "parted",
    "partprobe", "wipefs", "blkdiscard", "umount", "useradd", "userdel", "usermod", "groupadd", "groupdel",
    "groupmod", "passwd", "chpasswd", "chage", "unlink", "patch", "gzip", "gunzip", "bzip2", "bunzip2", "xz",
    "unxz", "zstd", "unzstd", "zip", "unzip", "split", "csplit", "pg_restore", "pg_basebackup",
    "pg_ctlcluster", "pg_dropcluster", "pg_createcluster", "pg_upgrade", "pg_rewind", "pg_resetwal",
    "pg_resetxlog", "dropdb", "createdb", "dropuser", "createuser", "vacuumdb", "reindexdb", "clusterdb",
    "apt", "apt-get", "aptitude", "yum", "dnf", "zypper", "rpm", "dpkg", "pip", "pip3", "npm", "yarn", "gem",
    "snap", "brew", "swapoff", "swapon", "modprobe", "rmmod", "insmod", "setenforce", "visudo", "vi", "vim",
    "nvim", "nano", "emacs", "ed", "mkswap", "losetup", "lvremove", "lvcreate", "lvextend", "lvresize",
    "lvreduce", "vgremove", "vgcreate", "vgextend", "pvremove", "pvcreate", "pvresize", "resize2fs",
    "xfs_growfs", "xfs_repair", "fsck", "e2fsck", "tune2fs", "mdadm", "ipvsadm", "tc", "ifdown", "ifup",
    "nmcli", "kubeadm", "etcd", "dmsetup", "cryptsetup", "renice", "chrt", "ceph-mon", "ceph-osd",
    "monmaptool", "ceph-volume", "ceph-objectstore-tool", "ceph-bluestore-tool", "logger", "wall", "write",
    "sshuttle", "toolbox", "logrotate", "updatedb", "ldconfig", "systemd-run", "at", "batch", "lvchange",
    "vgchange", "mount.nfs", "exportfs", "quotacheck", "setquota", "usermod", "newaliases", "postfix",
    "postsuper", "sendmail", "mail", "mailx", "iptables-restore", "ip6tables-restore", "ebtables",
    "arptables", "ipset", "ufw", "firewall-cmd", "wg", "wg-quick", "brctl", "vconfig", "ifenslave",
    "dhclient", "certbot", "update-ca-certificates", "update-alternatives", "sync", "fstrim", "hdparm",
    "aptly",
];

/// Plain Unix commands: `None` when `name` is not one of them.
pub fn rule(name: &str, args: &[String], cx: &Cx) -> Option<V> {
    if name.starts_with("mkfs") || name.starts_with("mkfs.") || DESTRUCTIVE.contains(&name) {
        return Some(de(name));
    }
    if READ_ONLY.contains(&name) {
        return Some(ro(name));
    }
    let flag = |f: &[&str]| has_flag(args, f);
    let pos = |opts: &[&str]| positionals(args, opts);
    Some(match name {
        "kill" => {
            if flag(&["-0", "-l", "-L", "--list"]) || (args.len() >= 2 && args[0] == "-s" && args[1] == "0") {
                ro("kill -0 (only checks the process exists)")
            } else {
                de("kill (signals a process)")
            }
        }
        "date" => {
            let p = pos(&["-d", "--date", "-r", "--reference", "-f", "--file", "-I"]);
            if flag(&["-s", "--set"]) || p.iter().any(|a| !a.starts_with('+')) {
                de("date --set (sets the clock)")
            } else {
                ro("date")
            }
        }
        "hostname" => {
            if !pos(&[]).is_empty() || flag(&["-F", "--file", "-b", "--boot"]) {
                de("hostname NAME (sets the host name)")
            } else {
                ro("hostname")
            }
        }
        "hostnamectl" | "timedatectl" | "localectl" | "resolvectl" | "networkctl" | "loginctl" => {
            let p = pos(&["-H", "--host", "-M", "--machine", "-p", "--property"]);
            let reads = [
                "status",
                "show",
                "list-timezones",
                "timesync-status",
                "show-timesync",
                "list",
                "list-sessions",
                "list-users",
                "list-seats",
                "show-session",
                "show-user",
                "session-status",
                "user-status",
                "query",
                "statistics",
                "dns",
                "domain",
                "list-keymaps",
                "list-locales",
                "lldp",
            ];
            match p.first() {
                None => ro(format!("{name} status")),
                Some(v)
                    if reads.contains(v)
                        && !(name == "resolvectl" && matches!(*v, "dns" | "domain") && p.len() > 2) =>
                {
                    ro(format!("{name} {v}"))
                }
                Some(v) => de(format!("{name} {v}")),
            }
        }
        "dmesg" => {
            if flag(&[
                "-c",
                "-C",
                "--clear",
                "--read-clear",
                "-D",
                "-E",
                "-n",
                "--console-off",
                "--console-on",
                "--console-level",
            ]) {
                de("dmesg --clear (clears the kernel ring buffer)")
            } else {
                ro("dmesg")
            }
        }
        "sysctl" => {
            if flag(&["-w", "--write", "-p", "-f", "--load", "--system"])
                || args.iter().any(|a| a.contains('='))
            {
                de("sysctl write (changes a kernel parameter)")
            } else {
                ro("sysctl (reads)")
            }
        }
        "crontab" => {
            let files = pos(&["-u"]);
            if flag(&["-l"]) && !flag(&["-r", "-e", "-i"]) && files.is_empty() {
                ro("crontab -l")
            } else {
                de("crontab (installs, edits or removes a crontab)")
            }
        }
        "mount" => {
            let mut i = 0;
            let mut lists = true;
            while i < args.len() {
                match args[i].as_str() {
                    "-l" | "--show-labels" | "-v" | "--verbose" | "-h" | "--help" | "-V" | "--version" => {}
                    "-t" | "--types" => i += 1,
                    a if a.starts_with("--types=") => {}
                    _ => lists = false,
                }
                i += 1;
            }
            if lists { ro("mount (lists mounts)") } else { de("mount") }
        }
        "uniq" => {
            if pos(&["-f", "-s", "-w"]).len() >= 2 {
                de("uniq IN OUT (writes its output file)")
            } else {
                ro("uniq")
            }
        }
        "sort" => {
            if flag(&["--output"]) || short_has(args, 'o') {
                de("sort -o (writes a file)")
            } else {
                ro("sort")
            }
        }
        "shuf" if flag(&["--output"]) || short_has(args, 'o') => de("shuf -o (writes a file)"),
        "shuf" => ro("shuf"),
        "tee" => {
            let files: Vec<&str> = pos(&[]).into_iter().filter(|f| !harmless_target(f)).collect();
            match files.first() {
                Some(f) => de(format!("tee into {f}")),
                None => ro("tee"),
            }
        }
        "tar" => system::tar(args),
        "route" => {
            let p = pos(&["-A", "-F", "--family"]);
            match p.first().copied() {
                None => ro("route (shows the routing table)"),
                Some(v @ ("get" | "show" | "monitor" | "print")) => ro(format!("route {v}")),
                Some(v) => de(format!("route {v} (changes the routing table)")),
            }
        }
        "arp" => {
            if flag(&["-d", "--delete", "-s", "--set", "-f", "--file"])
                || short_has(args, 'd')
                || short_has(args, 's')
            {
                de("arp -d/-s (changes the neighbour table)")
            } else {
                ro("arp (shows the neighbour table)")
            }
        }
        "ss" => {
            if flag(&["-K", "--kill", "-D", "--diag"])
                || args.iter().any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('K'))
            {
                de("ss -K (kills sockets)")
            } else {
                ro("ss")
            }
        }
        "iconv" => {
            if flag(&["-o", "--output"]) {
                de("iconv -o (writes a file)")
            } else {
                ro("iconv")
            }
        }
        "xxd" => {
            let p =
                pos(&["-c", "-cols", "-g", "-groupsize", "-l", "-len", "-s", "-seek", "-o", "-n", "-name"]);
            if p.len() >= 2 { de("xxd IN OUT (writes its output file)") } else { ro("xxd") }
        }
        "tree" => {
            if flag(&["-o", "-R"]) || args.iter().any(|a| a.starts_with("-o")) {
                de("tree -o (writes a file)")
            } else {
                ro("tree")
            }
        }
        "base64" | "base32" | "basenc" => {
            if flag(&["-o", "--output"]) {
                de(format!("{name} -o (writes a file)"))
            } else {
                ro(name)
            }
        }
        "sar" => {
            if flag(&["-o"]) || args.iter().any(|a| a.starts_with("-o")) {
                de("sar -o (writes a data file)")
            } else {
                ro("sar")
            }
        }
        "history" => {
            if args.iter().all(|a| a.chars().all(|c| c.is_ascii_digit())) {
                ro("history")
            } else {
                de("history -c/-w")
            }
        }
        "less" => {
            if flag(&["-o", "-O", "--log-file", "--LOG-FILE"])
                || args.iter().any(|a| a.starts_with("-o") || a.starts_with("-O"))
            {
                de("less -o (writes a log file)")
            } else {
                ro("less")
            }
        }
        "file" => {
            if flag(&["-C", "--compile"]) {
                de("file -C (compiles a magic file)")
            } else {
                ro("file")
            }
        }
        "blkid" => {
            if flag(&["-g", "--garbage-collect"]) {
                de("blkid -g")
            } else {
                ro("blkid")
            }
        }
        "iptables-save" | "ip6tables-save" => {
            if flag(&["-f", "--file"]) {
                de(format!("{name} -f (writes a file)"))
            } else {
                ro(name)
            }
        }
        "rg" => {
            if flag(&["--pre"]) {
                un("rg --pre (runs a preprocessor)")
            } else {
                ro("rg")
            }
        }
        "ag" => {
            if flag(&["--pager"]) {
                un("ag --pager (runs a command)")
            } else {
                ro("ag")
            }
        }
        "lastlog" => {
            if flag(&["-C", "--clear", "-S", "--set"]) {
                de("lastlog --clear")
            } else {
                ro("lastlog")
            }
        }
        "yq" => {
            if flag(&["-i", "--inplace"]) {
                de("yq --inplace")
            } else {
                ro("yq")
            }
        }
        "sed" => filters::sed(args),
        "awk" | "gawk" | "mawk" | "nawk" => filters::awk(args),
        "perl" => filters::perl(args, cx),
        "find" => filters::find(args, cx),
        "ip" => system::ip(args, cx),
        "iptables" | "ip6tables" => system::iptables(name, args),
        "nft" => match pos(&["-f", "--file", "-I", "--includepath"]).first() {
            Some(&"list") if !flag(&["-f", "--file"]) => ro("nft list"),
            _ => de("nft (changes the ruleset)"),
        },
        "conntrack" => {
            if flag(&["-L", "--dump", "-S", "--stats", "-C", "--count", "-E", "--event", "-G", "--get"]) {
                ro("conntrack --dump")
            } else {
                de("conntrack (changes the connection table)")
            }
        }
        "openssl" => system::openssl(args),
        "tcpdump" => {
            if flag(&["-z"]) {
                un("tcpdump -z (runs a command)")
            } else if args.iter().any(|a| a.starts_with("-w") || a == "--write") || short_has(args, 'w') {
                de("tcpdump -w (writes a capture file)")
            } else {
                ro("tcpdump")
            }
        }
        "fuser" => {
            if short_has(args, 'k') || flag(&["--kill"]) {
                de("fuser -k (kills processes)")
            } else {
                ro("fuser")
            }
        }
        "rsync" => {
            if flag(&["--dry-run", "--list-only"]) || short_has(args, 'n') {
                ro("rsync --dry-run")
            } else {
                de("rsync")
            }
        }
        "nc" | "ncat" | "netcat" | "socat" => {
            if name != "socat" && short_has(args, 'z') && !short_has(args, 'e') && !short_has(args, 'c') {
                ro(format!("{name} -z (probes a port)"))
            } else {
                un(format!("{name} (sends data or listens)"))
            }
        }
        "amtool" => {
            let p = pos(&["--alertmanager.url", "-o", "--output", "--config.file", "--timeout"]);
            forms(
                "amtool",
                &p,
                &[
                    "alert query",
                    "silence query",
                    "check-config",
                    "config show",
                    "config routes",
                    "template render",
                    "cluster show",
                    "version",
                    "help",
                ],
                if p.len() == 1 && matches!(p[0], "alert" | "silence") {
                    Safety::ReadOnly
                } else {
                    Safety::Destructive
                },
                2,
            )
        }
        "promtool" => {
            let p = pos(&["--url", "--http.config.file"]);
            forms(
                "promtool",
                &p,
                &[
                    "check",
                    "query",
                    "test",
                    "tsdb analyze",
                    "tsdb list",
                    "tsdb dump",
                    "tsdb dump-openmetrics",
                    "help",
                    "--version",
                ],
                Safety::Destructive,
                2,
            )
        }
        "python" | "python2" | "python3" | "ruby" | "node" | "php" | "lua" | "Rscript" => {
            system::interpreter(name, args, cx)
        }
        "pg_dump" | "pg_dumpall" | "mysqldump" | "mongodump" => {
            if flag(&["-f", "--file", "-r", "--result-file", "-o", "--out", "--archive"]) {
                de(format!("{name} --file (writes a dump file, local artifact)"))
            } else {
                ro(format!("{name} (to stdout)"))
            }
        }
        "pg_controldata" | "pg_waldump" | "pg_xlogdump" | "pg_config" | "pg_lsclusters" => ro(name),
        "screen" | "tmux" => {
            let p = pos(&["-S", "-s", "-t", "-L", "-f"]);
            match p.first().copied() {
                None => ro(format!("{name} (an interactive session)")),
                Some(v @ ("ls" | "list-sessions" | "attach" | "a" | "attach-session")) => {
                    ro(format!("{name} {v}"))
                }
                Some(v) => un(format!("{name} {v}")),
            }
        }
        "chronyc" => forms(
            "chronyc",
            &pos(&["-h", "-p"]),
            &["tracking", "sources", "sourcestats", "activity", "ntpdata", "serverstats", "clients"],
            Safety::Destructive,
            1,
        ),
        "ntpq" => ro("ntpq"),
        "smartctl" => {
            if flag(&[
                "-s",
                "--smart",
                "-t",
                "--test",
                "-X",
                "--abort",
                "-o",
                "--offlineauto",
                "-S",
                "--saveauto",
                "--set",
            ]) {
                de("smartctl --set/--test")
            } else {
                ro("smartctl")
            }
        }
        "ethtool" => {
            let reads = [
                "-i",
                "-S",
                "-k",
                "-g",
                "-a",
                "-c",
                "-l",
                "-m",
                "-T",
                "-P",
                "--driver",
                "--statistics",
                "--show-features",
                "--show-ring",
                "--show-pause",
                "--show-coalesce",
                "--show-channels",
                "--module-info",
                "--show-time-stamping",
                "--show-permaddr",
            ];
            if args.iter().all(|a| !a.starts_with('-') || reads.contains(&a.as_str())) {
                ro("ethtool (shows)")
            } else {
                de("ethtool (changes the interface)")
            }
        }
        "ifconfig" => {
            if pos(&[]).len() >= 2 {
                de("ifconfig IFACE SETTING")
            } else {
                ro("ifconfig")
            }
        }
        "go" => system::go(args),
        "perf" => forms(
            "perf",
            &pos(&["-i", "--input"]),
            &[
                "report", "top", "stat", "list", "script", "annotate", "diff", "evlist", "help", "version",
                "trace",
            ],
            Safety::Destructive,
            1,
        ),
        _ => return None,
    })
}
