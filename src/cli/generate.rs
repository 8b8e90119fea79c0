//! `wirelens completions bash|zsh|fish` and `wirelens man`: shell
//! completions and a man page (roff) generated from the clap definitions, so
//! they never disagree with `--help`.

use super::Cli;
use clap::{Args, CommandFactory};
use std::io::Write;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Install, e.g.:
    /// `wirelens completions bash > ~/.local/share/bash-completion/completions/wirelens`,
    /// `wirelens completions zsh > ~/.zfunc/_wirelens`,
    /// `wirelens completions fish > ~/.config/fish/completions/wirelens.fish`.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `wirelens completions SHELL`.
pub fn run_completions(args: &CompletionsArgs) -> anyhow::Result<super::Outcome> {
    let mut out = super::stdout();
    super::finish_output(completions(args, &mut out).and_then(|()| out.flush()))?;
    Ok(super::Outcome::Ok)
}

/// `wirelens man`.
pub fn run_man() -> anyhow::Result<super::Outcome> {
    let mut out = super::stdout();
    super::finish_output(man(&mut out).and_then(|()| out.flush()))?;
    Ok(super::Outcome::Ok)
}

/// Writes the completion script for `args.shell` to `out`.
pub fn completions(args: &CompletionsArgs, out: &mut impl Write) -> std::io::Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "wirelens", out);
    Ok(())
}

/// Writes the man page (`man 1 wirelens`) to `out`: the top-level page
/// followed by a section per command.
pub fn man(out: &mut impl Write) -> std::io::Result<()> {
    let cmd = Cli::command();
    clap_mangen::Man::new(cmd.clone()).render(out)?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Each command's own options, as a section of the same page.
        writeln!(out, ".SH \"WIRELENS {}\"", sub.get_name().to_uppercase())?;
        let page = clap_mangen::Man::new(sub.clone());
        page.render_description_section(out)?;
        page.render_options_section(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_and_man_name_every_command() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let mut out = Vec::new();
            completions(&CompletionsArgs { shell }, &mut out).expect("write");
            let text = String::from_utf8(out).expect("utf-8");
            for word in ["list", "flows", "follow", "display-filter", "completions"] {
                assert!(text.contains(word), "{shell:?} lacks {word}");
            }
        }
        let mut out = Vec::new();
        man(&mut out).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with(".ie"), "{}", &text[..40]);
        assert!(text.contains(".TH wirelens 1"), "{text}");
        assert!(text.contains("WIRELENS LIST"));
        assert!(text.contains("display\\-filter"));
    }
}
