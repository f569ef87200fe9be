//! Doc drift: docs/cli.md carries the `--help` output of `auroraiam` and of every subcommand it
//! lists, between `<!-- help: NAME -->` and `<!-- /help -->` markers. This test regenerates each
//! one from the built binary and fails on any difference (or a subcommand without its block).
//! `AURORAIAM_UPDATE_DOCS=1 cargo test -p auroraiam-cli --test docs` rewrites the blocks.

mod common;

use common::Run;

const PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cli.md");

/// The subcommands `auroraiam --help` lists (so a new one needs its block too).
fn subcommands() -> Vec<String> {
    let help = Run::new(["--help"]).run().stdout_str();
    let list = help.split("Commands:\n").nth(1).expect("a Commands: section");
    list.lines()
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

fn help_of(name: &str) -> String {
    let out = if name == "auroraiam" { Run::new(["--help"]).run() } else { Run::new([name, "--help"]).run() };
    out.assert_ok();
    out.stdout_str()
}

fn block(name: &str, help: &str) -> String {
    format!("<!-- help: {name} -->\n```text\n$ auroraiam {}--help\n{}```\n<!-- /help -->", if name == "auroraiam" { String::new() } else { format!("{name} ") }, help)
}

#[test]
fn cli_page_help_blocks_match_the_binary() {
    if !cfg!(feature = "credential-chain") {
        return; // the page documents the default build
    }
    let page = std::fs::read_to_string(PAGE).unwrap();
    let mut updated = page.clone();
    let mut stale = Vec::new();
    let mut names = vec!["auroraiam".to_string()];
    names.extend(subcommands());
    for name in &names {
        let want = block(name, &help_of(name));
        let open = format!("<!-- help: {name} -->");
        match updated.find(&open) {
            Some(start) => {
                let end = updated[start..].find("<!-- /help -->").expect("closing marker") + start + "<!-- /help -->".len();
                if updated[start..end] != want {
                    stale.push(name.clone());
                    updated.replace_range(start..end, &want);
                }
            }
            None => {
                stale.push(format!("{name} (no block)"));
                updated = format!("{}\n\n{want}\n", updated.trim_end());
            }
        }
    }
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("AURORAIAM_UPDATE_DOCS").is_some() {
        std::fs::write(PAGE, updated).unwrap();
        eprintln!("docs/cli.md: rewrote the --help of {stale:?}");
        return;
    }
    panic!(
        "docs/cli.md is out of date for the --help of {stale:?}: run \
         `AURORAIAM_UPDATE_DOCS=1 cargo test -p auroraiam-cli --test docs` and review the diff"
    );
}
