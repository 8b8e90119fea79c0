//! The user's configuration: `~/.config/wirelens/config.toml` (or
//! `$XDG_CONFIG_HOME/wirelens/config.toml`, or the file of `--config`), read
//! into typed settings: the packet list's columns, the time format, the
//! theme, extra key bindings and the colouring rules.
//!
//! The default file ([`DEFAULT_CONFIG`], `assets/config.toml`) and Wireshark
//! 4.0's default colouring rules ([`colors::DEFAULT_COLORFILTERS`],
//! `assets/colorfilters`) are compiled in, so the binary works without any
//! file on disk. Colouring rules are read in Wireshark's own `colorfilters`
//! format, so a user's Wireshark rules work unchanged.
//!
//! ```
//! let config = wirelens::config::Config::from_toml("[display]\ntheme = \"light\"\n")?;
//! assert_eq!(config.theme, wirelens::config::Theme::Light);
//! assert!(config.colors.rules().len() > 10); // Wireshark's defaults
//! # Ok::<(), wirelens::config::ConfigError>(())
//! ```

pub mod colors;
pub mod keys;

pub use colors::{ColorRule, ColorRules, Rgb};
pub use keys::KeySpec;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default configuration file, as `wirelens --write-config` writes it.
pub const DEFAULT_CONFIG: &str = include_str!("../assets/config.toml");

/// Why a configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}", path = path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}", path = path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {what}", path = path.display())]
    Invalid { path: PathBuf, what: String },
    #[error("{path} already exists (remove it first to write the default)", path = path.display())]
    Exists { path: PathBuf },
    #[error("no configuration directory: neither XDG_CONFIG_HOME nor HOME is set")]
    NoConfigDir,
}

/// How times are shown (the time column, the ladder, follow), as tshark's
/// `-t` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeFormat {
    /// Seconds since the first packet (`-t r`).
    #[default]
    Relative,
    /// Seconds since the previous packet (`-t d`).
    Delta,
    /// Seconds since the previous displayed packet (`-t dd`).
    DeltaDisplayed,
    /// Local time of day (`-t a`).
    Absolute,
    /// Local date and time (`-t ad`).
    AbsoluteDate,
    /// UTC time of day (`-t u`).
    Utc,
    /// UTC date and time (`-t ud`).
    UtcDate,
    /// Seconds since 1970-01-01 (`-t e`).
    Epoch,
}

impl TimeFormat {
    /// Every format, in the order a key cycles through them.
    pub const ALL: [TimeFormat; 8] = [
        TimeFormat::Relative,
        TimeFormat::Delta,
        TimeFormat::DeltaDisplayed,
        TimeFormat::Absolute,
        TimeFormat::AbsoluteDate,
        TimeFormat::Utc,
        TimeFormat::UtcDate,
        TimeFormat::Epoch,
    ];

    /// The configuration file's name of the format.
    pub fn name(self) -> &'static str {
        self.names().0
    }

    /// tshark's `-t` letter(s) for the format.
    pub fn tshark(self) -> &'static str {
        self.names().1
    }

    fn names(self) -> (&'static str, &'static str) {
        match self {
            TimeFormat::Relative => ("relative", "r"),
            TimeFormat::Delta => ("delta", "d"),
            TimeFormat::DeltaDisplayed => ("delta_displayed", "dd"),
            TimeFormat::Absolute => ("absolute", "a"),
            TimeFormat::AbsoluteDate => ("absolute_date", "ad"),
            TimeFormat::Utc => ("utc", "u"),
            TimeFormat::UtcDate => ("utc_date", "ud"),
            TimeFormat::Epoch => ("epoch", "e"),
        }
    }

    /// The format named `name` or by its tshark letters.
    pub fn parse(name: &str) -> Option<TimeFormat> {
        TimeFormat::ALL
            .into_iter()
            .find(|f| f.name() == name || f.tshark() == name)
    }

    /// The next format in [`TimeFormat::ALL`], wrapping.
    pub fn next(self) -> TimeFormat {
        let i = TimeFormat::ALL.iter().position(|&f| f == self).unwrap_or(0);
        TimeFormat::ALL[(i + 1) % TimeFormat::ALL.len()]
    }
}

/// The colours of the interactive view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
    /// No colour at all (also whenever `NO_COLOR` is set).
    None,
}

impl Theme {
    pub fn parse(name: &str) -> Option<Theme> {
        match name {
            "dark" => Some(Theme::Dark),
            "light" => Some(Theme::Light),
            "none" => Some(Theme::None),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Theme::Dark => "dark",
            Theme::Light => "light",
            Theme::None => "none",
        }
    }
}

/// A column of the packet list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The title shown in the header.
    pub title: String,
    pub kind: ColumnKind,
    /// A fixed width in characters; `None` sizes it to its content.
    pub width: Option<u16>,
    pub hidden: bool,
}

/// What a column shows.
#[derive(Debug, Clone, Copy)]
pub enum ColumnKind {
    Number,
    Time,
    Source,
    Destination,
    Protocol,
    Length,
    Info,
    /// The values of a field (a custom column), by its filter name.
    Field(&'static crate::fields::FieldDef),
}

impl PartialEq for ColumnKind {
    fn eq(&self, other: &ColumnKind) -> bool {
        match (self, other) {
            (ColumnKind::Field(a), ColumnKind::Field(b)) => a.name == b.name,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

impl Eq for ColumnKind {}

impl ColumnKind {
    /// The built-in column with Wireshark's default title `title`.
    pub fn built_in(title: &str) -> Option<ColumnKind> {
        Some(match title {
            "No." => ColumnKind::Number,
            "Time" => ColumnKind::Time,
            "Source" => ColumnKind::Source,
            "Destination" => ColumnKind::Destination,
            "Protocol" => ColumnKind::Protocol,
            "Length" => ColumnKind::Length,
            "Info" => ColumnKind::Info,
            _ => return None,
        })
    }
}

/// The settings, typed and checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub time_format: TimeFormat,
    /// The theme asked for (see [`Config::effective_theme`] for `NO_COLOR`).
    pub theme: Theme,
    pub columns: Vec<Column>,
    /// Whether the packet list is coloured by [`Config::colors`].
    pub colors_enabled: bool,
    pub colors: ColorRules,
    /// Extra keys per action name (the interactive view's actions).
    pub keys: BTreeMap<String, Vec<KeySpec>>,
    /// Where the settings came from (`None`: the built-in defaults).
    pub path: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        // The compiled-in default is tested to parse.
        Config::from_toml(DEFAULT_CONFIG).unwrap_or_else(|_| Config {
            time_format: TimeFormat::default(),
            theme: Theme::default(),
            columns: Vec::new(),
            colors_enabled: true,
            colors: ColorRules::wireshark_defaults(),
            keys: BTreeMap::new(),
            path: None,
        })
    }
}

/// The file's shape, before checking.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    display: RawDisplay,
    #[serde(default)]
    colors: RawColors,
    #[serde(default)]
    keys: BTreeMap<String, OneOrMany>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisplay {
    time_format: Option<String>,
    theme: Option<String>,
    columns: Option<Vec<RawColumn>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawColumn {
    Title(String),
    Table {
        title: String,
        field: Option<String>,
        width: Option<u16>,
        #[serde(default)]
        hidden: bool,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColors {
    enabled: Option<bool>,
    file: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Config {
    /// Parses configuration text (an in-memory file: a colour rules `file`
    /// it names is read relative to the current directory).
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("config.toml"), None)
    }

    /// Reads the configuration at `path`.
    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path, Some(path.to_path_buf()))
    }

    /// The configuration a run uses: `explicit` (`--config FILE`, which must
    /// exist), else the default path if that file exists, else the built-in
    /// defaults.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigError> {
        if let Some(path) = explicit {
            return Config::read(path);
        }
        match default_path() {
            Ok(path) if path.is_file() => Config::read(&path),
            _ => Ok(Config::default()),
        }
    }

    fn parse(text: &str, path: &Path, from: Option<PathBuf>) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let invalid = |what: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            what,
        };
        let time_format = match raw.display.time_format.as_deref() {
            None => TimeFormat::default(),
            Some(name) => TimeFormat::parse(name).ok_or_else(|| {
                let names: Vec<&str> = TimeFormat::ALL.iter().map(|f| f.name()).collect();
                invalid(format!(
                    "display.time_format {name:?} is not one of {}",
                    names.join(", ")
                ))
            })?,
        };
        let theme = match raw.display.theme.as_deref() {
            None => Theme::default(),
            Some(name) => Theme::parse(name).ok_or_else(|| {
                invalid(format!(
                    "display.theme {name:?} is not one of dark, light, none"
                ))
            })?,
        };
        let columns = match raw.display.columns {
            None => default_columns(),
            Some(list) => list
                .into_iter()
                .map(|c| column(c).map_err(&invalid))
                .collect::<Result<_, _>>()?,
        };
        let colors = match &raw.colors.file {
            None => ColorRules::wireshark_defaults(),
            Some(file) => {
                let file = expand_home(file);
                let file = match path.parent() {
                    Some(dir) if file.is_relative() && from.is_some() => dir.join(file),
                    _ => file,
                };
                let text = std::fs::read_to_string(&file).map_err(|source| ConfigError::Read {
                    path: file.clone(),
                    source,
                })?;
                ColorRules::parse(&text)
            }
        };
        let keys = raw
            .keys
            .into_iter()
            .map(|(action, keys)| {
                let keys = match keys {
                    OneOrMany::One(k) => vec![k],
                    OneOrMany::Many(k) => k,
                };
                let specs = keys
                    .iter()
                    .map(|k| {
                        KeySpec::parse(k)
                            .ok_or_else(|| invalid(format!("keys.{action}: {k:?} is not a key")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((action, specs))
            })
            .collect::<Result<_, ConfigError>>()?;
        Ok(Config {
            time_format,
            theme,
            columns,
            colors_enabled: raw.colors.enabled.unwrap_or(true),
            colors,
            keys,
            path: from,
        })
    }

    /// The theme to draw with: [`Theme::None`] whenever `NO_COLOR` is set to
    /// anything but the empty string (<https://no-color.org>), else
    /// [`Config::theme`].
    pub fn effective_theme(&self) -> Theme {
        theme_with(self.theme, std::env::var_os("NO_COLOR").as_deref())
    }
}

fn theme_with(theme: Theme, no_color: Option<&std::ffi::OsStr>) -> Theme {
    match no_color {
        Some(v) if !v.is_empty() => Theme::None,
        _ => theme,
    }
}

fn default_columns() -> Vec<Column> {
    [
        "No.",
        "Time",
        "Source",
        "Destination",
        "Protocol",
        "Length",
        "Info",
    ]
    .into_iter()
    .filter_map(|t| {
        Some(Column {
            title: t.to_string(),
            kind: ColumnKind::built_in(t)?,
            width: None,
            hidden: false,
        })
    })
    .collect()
}

fn column(raw: RawColumn) -> Result<Column, String> {
    let (title, field, width, hidden) = match raw {
        RawColumn::Title(t) => (t, None, None, false),
        RawColumn::Table {
            title,
            field,
            width,
            hidden,
        } => (title, field, width, hidden),
    };
    let kind = match field {
        Some(name) => ColumnKind::Field(crate::fields::lookup(&name).ok_or_else(|| {
            match crate::fields::suggest(&name) {
                Some(s) => format!("column {title:?}: unknown field {name:?} (did you mean {s:?}?)"),
                None => format!("column {title:?}: unknown field {name:?}"),
            }
        })?),
        None => ColumnKind::built_in(&title).ok_or_else(|| {
            format!(
                "column {title:?} is not a built-in column (No., Time, Source, Destination, Protocol, Length, Info); give it a field"
            )
        })?,
    };
    Ok(Column {
        title,
        kind,
        width,
        hidden,
    })
}

/// `~/x` with `$HOME` put in.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// `$XDG_CONFIG_HOME/wirelens/config.toml`, else
/// `$HOME/.config/wirelens/config.toml`.
pub fn default_path() -> Result<PathBuf, ConfigError> {
    path_from(
        std::env::var_os("XDG_CONFIG_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    )
}

fn path_from(
    xdg: Option<&std::ffi::OsStr>,
    home: Option<&std::ffi::OsStr>,
) -> Result<PathBuf, ConfigError> {
    // An empty or relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
    let base = match (xdg.map(Path::new), home) {
        (Some(x), _) if x.is_absolute() => x.to_path_buf(),
        (_, Some(h)) if !h.is_empty() => Path::new(h).join(".config"),
        _ => return Err(ConfigError::NoConfigDir),
    };
    Ok(base.join("wirelens").join("config.toml"))
}

/// Writes [`DEFAULT_CONFIG`] to `path` (creating its directory), refusing
/// to replace an existing file.
pub fn write_default(path: &Path) -> Result<(), ConfigError> {
    let io = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => ConfigError::Exists {
                path: path.to_path_buf(),
            },
            _ => io(e),
        })?;
    std::io::Write::write_all(&mut file, DEFAULT_CONFIG.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_parses_to_the_defaults() {
        let c = Config::from_toml(DEFAULT_CONFIG).expect("default config");
        assert_eq!(c.time_format, TimeFormat::Relative);
        assert_eq!(c.theme, Theme::Dark);
        assert_eq!(c.columns, default_columns());
        assert_eq!(c.columns.len(), 7);
        assert!(c.colors_enabled);
        assert_eq!(c.colors.rules().len(), 20);
        assert!(c.keys.is_empty());
        assert_eq!(Config::from_toml("").expect("empty").columns, c.columns);
    }

    #[test]
    fn settings_are_read_and_checked() {
        let c = Config::from_toml(
            r#"
[display]
time_format = "ud"
theme = "none"
columns = ["No.", { title = "Window", field = "tcp.window_size", width = 8 }, { title = "Info", hidden = true }]
[colors]
enabled = false
[keys]
find = "ctrl-f"
goto = ["ctrl-g", "g"]
"#,
        )
        .expect("config");
        assert_eq!(c.time_format, TimeFormat::UtcDate);
        assert_eq!(c.theme, Theme::None);
        assert!(!c.colors_enabled);
        assert_eq!(c.columns.len(), 3);
        assert!(matches!(c.columns[1].kind, ColumnKind::Field(d) if d.name == "tcp.window_size"));
        assert_eq!(c.columns[1].width, Some(8));
        assert!(c.columns[2].hidden);
        assert_eq!(c.keys["goto"].len(), 2);
        for (text, wanted) in [
            (
                "[display]\ntime_format = \"soon\"",
                "display.time_format \"soon\"",
            ),
            ("[display]\ntheme = \"pink\"", "display.theme \"pink\""),
            (
                "[display]\ncolumns = [\"Foo\"]",
                "column \"Foo\" is not a built-in",
            ),
            (
                "[display]\ncolumns = [{ title = \"W\", field = \"tcp.windw_size\" }]",
                "unknown field \"tcp.windw_size\"",
            ),
            (
                "[keys]\nfind = \"ctrl-\"",
                "keys.find: \"ctrl-\" is not a key",
            ),
            ("[display]\ncolour = 1", "unknown field `colour`"),
            ("[display", "config.toml"),
        ] {
            let e = Config::from_toml(text).expect_err(text).to_string();
            assert!(e.contains(wanted), "{text:?}: {e}");
        }
    }

    #[test]
    fn the_path_follows_xdg_and_no_color_wins() {
        let p = |x: Option<&str>, h: Option<&str>| {
            path_from(x.map(std::ffi::OsStr::new), h.map(std::ffi::OsStr::new)).ok()
        };
        assert_eq!(
            p(Some("/x"), Some("/home/u")),
            Some("/x/wirelens/config.toml".into())
        );
        assert_eq!(
            p(Some("relative"), Some("/home/u")),
            Some("/home/u/.config/wirelens/config.toml".into())
        );
        assert_eq!(
            p(None, Some("/home/u")),
            Some("/home/u/.config/wirelens/config.toml".into())
        );
        assert_eq!(p(None, None), None);
        assert_eq!(theme_with(Theme::Light, None), Theme::Light);
        assert_eq!(theme_with(Theme::Light, Some("".as_ref())), Theme::Light);
        assert_eq!(theme_with(Theme::Dark, Some("1".as_ref())), Theme::None);
    }

    #[test]
    fn the_default_is_written_once_and_a_rules_file_is_read() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("sub/config.toml");
        write_default(&path).expect("write");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            DEFAULT_CONFIG
        );
        assert!(matches!(
            write_default(&path),
            Err(ConfigError::Exists { .. })
        ));
        std::fs::write(
            dir.path().join("sub/rules"),
            "@Mine@udp@[0,0,0][65535,65535,65535]\n",
        )
        .expect("rules");
        std::fs::write(&path, "[colors]\nfile = \"rules\"\n").expect("config");
        let c = Config::read(&path).expect("read");
        assert_eq!(c.colors.rules().len(), 1);
        assert_eq!(c.path.as_deref(), Some(path.as_path()));
        assert!(Config::load(Some(&dir.path().join("absent"))).is_err());
    }

    #[test]
    fn time_formats_cycle_through_all() {
        let mut f = TimeFormat::Relative;
        for _ in 0..TimeFormat::ALL.len() {
            f = f.next();
        }
        assert_eq!(f, TimeFormat::Relative);
        for f in TimeFormat::ALL {
            assert_eq!(TimeFormat::parse(f.tshark()), Some(f));
            assert_eq!(TimeFormat::parse(f.name()), Some(f));
        }
    }
}
