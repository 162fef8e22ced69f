//! Build-time syntax highlighting of fenced code blocks.
//!
//! Owns the language names of info strings (`canonical_lang`) and the inner
//! HTML of a highlighted `<code>` element (`highlight_into`): text escaped,
//! tokens wrapped in `<span class="hl-…">`. Classes only, never colours: the
//! palettes live in `themes/default/static/css/highlight.css`.
//!
//! Why hand-written lexers and not a grammar engine: on handbook-like code
//! blocks they run at well over 100 MB/s per core, where tree-sitter
//! (arborium 2.18) does 1–20 MB/s and costs ~30 s of cold build, a C
//! compiler and `regex`; syntect is ruled out (RustSec). The lexers are
//! lexical (keywords, strings, comments, numbers, keys), not parsers: on odd
//! input a colour can be wrong, the text never is. Every byte of the input is
//! copied exactly once, escaped, cut only at char boundaries, inside balanced
//! spans, whatever the input (see the fuzz test at the bottom).
//!
//! | class   | meaning                                                 |
//! |---------|---------------------------------------------------------|
//! | `hl-k`  | keyword, Dockerfile instruction, heredoc delimiter      |
//! | `hl-s`  | string, YAML plain value, heredoc / block scalar body   |
//! | `hl-r`  | regular expression literal                              |
//! | `hl-c`  | comment                                                 |
//! | `hl-n`  | number, duration, date                                  |
//! | `hl-l`  | literal constant (`true`, `nil`), constant, symbol      |
//! | `hl-f`  | function, macro, shell command                          |
//! | `hl-t`  | type, class, TOML table header, YAML tag                |
//! | `hl-v`  | variable, interpolation, YAML anchor/alias, template    |
//! | `hl-p`  | operator, YAML indicator                                |
//! | `hl-a`  | key, attribute, decorator, command-line option          |
//! | `hl-i` `hl-d` | diff inserted / deleted line                      |
//! | `hl-h` `hl-m` | diff hunk header / file header                    |
//! | `hl-gp` `hl-go` | console prompt / command output                 |

use super::escape::escape_html_into;

const KW: &str = "hl-k";
const STR: &str = "hl-s";
const RE: &str = "hl-r";
const CMT: &str = "hl-c";
const NUM: &str = "hl-n";
const LIT: &str = "hl-l";
const FUNC: &str = "hl-f";
const TYPE: &str = "hl-t";
const VAR: &str = "hl-v";
const PUNCT: &str = "hl-p";
const ATTR: &str = "hl-a";
const INS: &str = "hl-i";
const DEL: &str = "hl-d";
const HUNK: &str = "hl-h";
const META: &str = "hl-m";
const PROMPT: &str = "hl-gp";
const OUTPUT: &str = "hl-go";

/// Appends the highlighted HTML of `code` (the *inner* HTML of a `<code>`
/// element: text HTML-escaped, tokens wrapped in `<span class="...">`) to
/// `out` and returns true; returns false and appends nothing if `lang` is not
/// a supported language.
pub fn highlight_into(out: &mut String, lang: &str, code: &str) -> bool {
    let Some(lang) = canonical_lang(lang) else {
        return false;
    };
    out.reserve(code.len() + code.len() / 2 + 64);
    let mut s = Hl {
        src: code,
        b: code.as_bytes(),
        pos: 0,
        done: 0,
        out,
    };
    match lang {
        "yaml" => yaml(&mut s),
        "shell" => {
            let session = code.starts_with("$ ") || code.contains("\n$ ");
            let opts = ShellOpts {
                session,
                ..ShellOpts::default()
            };
            shell(&mut s, code.len(), opts);
        }
        "json" => json(&mut s),
        "toml" => toml(&mut s),
        "diff" => diff(&mut s),
        "dockerfile" => dockerfile(&mut s),
        other => {
            if let Some(spec) = spec_for(other) {
                code_lang(&mut s, spec);
            }
        }
    }
    s.finish();
    true
}

/// The canonical language name for an info-string language (`yml` → `yaml`,
/// `sh`/`bash`/`console`/`zsh` → `shell`, `rb` → `ruby`, …), or None when
/// unsupported. Case-insensitive.
pub fn canonical_lang(lang: &str) -> Option<&'static str> {
    let lang = lang.trim();
    let mut buf = [0u8; 16];
    if lang.is_empty() || lang.len() > buf.len() {
        return None;
    }
    let buf = &mut buf[..lang.len()];
    buf.copy_from_slice(lang.as_bytes());
    buf.make_ascii_lowercase();
    Some(match &*buf {
        b"yaml" | b"yml" => "yaml",
        b"shell" | b"sh" | b"bash" | b"console" | b"zsh" | b"ksh" | b"shellscript"
        | b"shell-session" | b"shellsession" => "shell",
        b"sql" | b"psql" | b"pgsql" | b"postgres" | b"postgresql" | b"plpgsql" | b"mysql"
        | b"sqlite" => "sql",
        b"ruby" | b"rb" | b"rake" | b"gemspec" => "ruby",
        b"go" | b"golang" => "go",
        b"python" | b"py" | b"python3" | b"py3" => "python",
        b"json" | b"jsonc" | b"json5" | b"jsonl" | b"ndjson" => "json",
        b"toml" => "toml",
        b"rust" | b"rs" => "rust",
        b"diff" | b"patch" | b"udiff" => "diff",
        b"javascript" | b"js" | b"jsx" | b"mjs" | b"cjs" | b"node" => "javascript",
        b"typescript" | b"ts" | b"tsx" => "typescript",
        b"dockerfile" | b"docker" | b"containerfile" => "dockerfile",
        b"hcl" | b"terraform" | b"tf" | b"tfvars" => "hcl",
        b"promql" => "promql",
        _ => return None,
    })
}

// ---------------------------------------------------------------- output

/// The output cursor: `src[..done]` has been written to `out`, lexers look
/// at `pos`. All writes go through `flush`, which rounds cut points up to a
/// char boundary, so a lexer bug can misplace a colour but never split a
/// character, drop or repeat text.
struct Hl<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    done: usize,
    out: &'a mut String,
}

impl Hl<'_> {
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn starts(&self, i: usize, pat: &[u8]) -> bool {
        self.b.get(i..).is_some_and(|r| r.starts_with(pat))
    }

    fn line_end(&self, i: usize) -> usize {
        line_end(self.b, i)
    }

    /// Index after the character starting at `i`.
    fn char_end(&self, i: usize) -> usize {
        let mut j = i + 1;
        while j < self.b.len() && self.b[j] & 0xC0 == 0x80 {
            j += 1;
        }
        j.min(self.b.len().max(i + 1))
    }

    fn flush(&mut self, to: usize) {
        let mut to = to.min(self.b.len());
        while !self.src.is_char_boundary(to) {
            to += 1;
        }
        if to > self.done {
            escape_html_into(self.out, &self.src[self.done..to]);
            self.done = to;
        }
    }

    fn open(&mut self, at: usize, class: &str) {
        self.flush(at);
        self.out.push_str("<span class=\"");
        self.out.push_str(class);
        self.out.push_str("\">");
    }

    fn close(&mut self, at: usize) {
        self.flush(at);
        self.out.push_str("</span>");
    }

    /// Wraps `src[start..end]` in a span of `class`.
    fn span(&mut self, start: usize, end: usize, class: &str) {
        if end > start && end > self.done {
            self.open(start, class);
            self.close(end);
        }
    }

    /// Wraps `src[start..end]` and moves the cursor to `end` (at least one
    /// character forward).
    fn token(&mut self, start: usize, end: usize, class: &str) {
        self.span(start, end, class);
        self.pos = if end > self.pos {
            end.min(self.b.len())
        } else {
            self.char_end(self.pos)
        };
    }

    fn finish(&mut self) {
        self.flush(self.b.len());
    }
}

// ---------------------------------------------------------------- scanning helpers

fn line_end(b: &[u8], i: usize) -> usize {
    match b.get(i..) {
        Some(rest) => rest
            .iter()
            .position(|&c| c == b'\n')
            .map_or(b.len(), |p| i + p),
        None => b.len(),
    }
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | 0x0c)
}

/// Identifier byte; any non-ASCII byte counts, so identifiers never end
/// inside a multi-byte character.
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_blank(b[i]) {
        i += 1;
    }
    i
}

/// End of a quoted string opening at `i`: after the closing quote, or at the
/// end of the line (single-line strings) or input when unterminated.
fn quote_end(b: &[u8], i: usize, q: u8, esc: bool, multiline: bool, doubled: bool) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        if c == q {
            if doubled && b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        if c == b'\\' && esc {
            j += 2;
            continue;
        }
        if c == b'\n' && !multiline {
            return j;
        }
        j += 1;
    }
    b.len()
}

/// End of a `"""`/`'''` string whose body starts at `i`.
fn triple_end(b: &[u8], mut i: usize, q: u8, esc: bool) -> usize {
    while i < b.len() {
        if b[i] == b'\\' && esc {
            i += 2;
            continue;
        }
        if b[i] == q && b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q) {
            // A closing run may be longer (`""""`): the extra quotes belong
            // to the string.
            let mut e = i + 3;
            while b.get(e) == Some(&q) {
                e += 1;
            }
            return e;
        }
        i += 1;
    }
    b.len()
}

/// Index after the bracket closing the one at `i` (same line), skipping
/// quoted strings; the line end when unbalanced.
fn bracket_end(b: &[u8], i: usize, open: u8, close: u8, multiline: bool) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j < b.len() {
        let c = b[j];
        if c == b'\n' && !multiline {
            return j;
        }
        if c == b'"' || c == b'\'' && open != b'{' {
            j = quote_end(b, j, c, true, false, false);
            continue;
        }
        if c == b'\\' {
            j += 2;
            continue;
        }
        if c == open {
            depth += 1;
        } else if c == close {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return j + 1;
            }
        }
        j += 1;
    }
    b.len()
}

/// End of a number starting at `i`: decimal/hex/octal/binary with `_`
/// separators, fraction, exponent, and any alphanumeric suffix (`u32`,
/// `5m`, `1j`).
fn number_end(b: &[u8], i: usize) -> usize {
    let digit = |j: usize| b.get(j).is_some_and(|c| c.is_ascii_digit());
    let mut j = i;
    if b[j] == b'0' && matches!(b.get(j + 1), Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')) {
        j += 2;
    } else {
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'_') {
            j += 1;
        }
        if b.get(j) == Some(&b'.') && digit(j + 1) {
            j += 1;
            while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'_') {
                j += 1;
            }
        }
        if matches!(b.get(j), Some(b'e' | b'E'))
            && (digit(j + 1) || matches!(b.get(j + 1), Some(b'+' | b'-')) && digit(j + 2))
        {
            j += 2;
        }
    }
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    j
}

/// A word list with an open-addressing hash table built at compile time:
/// a lookup costs one hash and, usually, at most one comparison.
#[derive(Clone, Copy)]
struct Words {
    list: &'static [&'static str],
    /// Index + 1 into `list`, 0 for an empty slot.
    table: [u8; 256],
}

const fn word_hash(w: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < w.len() {
        h ^= w[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    ((h ^ (h >> 15)) & 255) as usize
}

const fn words(list: &'static [&'static str]) -> Words {
    assert!(list.len() < 192, "word list too long for its table");
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < list.len() {
        let mut k = word_hash(list[i].as_bytes());
        while table[k] != 0 {
            k = (k + 1) & 255;
        }
        table[k] = (i + 1) as u8;
        i += 1;
    }
    Words { list, table }
}

impl Words {
    fn contains(&self, word: &str) -> bool {
        if self.list.is_empty() {
            return false;
        }
        let w = word.as_bytes();
        let mut k = word_hash(w);
        loop {
            let idx = self.table[k] as usize;
            if idx == 0 {
                return false;
            }
            if self.list[idx - 1].as_bytes() == w {
                return true;
            }
            k = (k + 1) & 255;
        }
    }

    /// Membership ignoring ASCII case (the list is lowercase).
    fn contains_nocase(&self, word: &str) -> bool {
        let mut buf = [0u8; 24];
        ascii_lower(word, &mut buf).is_some_and(|w| self.contains(w))
    }
}

/// `word` lowercased into `buf`, if it fits.
fn ascii_lower<'b>(word: &str, buf: &'b mut [u8; 24]) -> Option<&'b str> {
    let buf = buf.get_mut(..word.len())?;
    buf.copy_from_slice(word.as_bytes());
    buf.make_ascii_lowercase();
    std::str::from_utf8(buf).ok()
}

#[derive(Clone, Copy)]
struct Heredoc {
    /// The delimiter word, `src[start..end]`.
    start: usize,
    end: usize,
    /// The terminator may be indented (`<<-`, `<<~`).
    indent: bool,
}

/// Parses a heredoc opener at `i` (`<<`), shell or Ruby style. Returns the
/// end of the opener and the delimiter.
fn heredoc_open(b: &[u8], i: usize, ruby: bool) -> Option<(usize, Heredoc)> {
    let mut j = i + 2;
    let mut indent = false;
    if matches!(b.get(j), Some(b'-')) || ruby && b.get(j) == Some(&b'~') {
        indent = true;
        j += 1;
    }
    if !ruby {
        j = skip_blanks(b, j);
    }
    let quote = match b.get(j) {
        Some(&q @ (b'"' | b'\'' | b'`')) => {
            j += 1;
            Some(q)
        }
        _ => None,
    };
    let start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || !ruby && b[j] == b'-') {
        j += 1;
    }
    if j == start {
        return None;
    }
    // Ruby: a bare `<<name` is a shift unless the name looks like a constant.
    if ruby && quote.is_none() && !indent && !(b[start].is_ascii_uppercase() || b[start] == b'_') {
        return None;
    }
    let end = j;
    if let Some(q) = quote {
        if b.get(j) != Some(&q) {
            return None;
        }
        j += 1;
    }
    Some((j, Heredoc { start, end, indent }))
}

/// At the start of the line after heredoc openers: emits each body (string)
/// and terminator (keyword), leaving the cursor at the last terminator's
/// line end.
fn heredoc_bodies(s: &mut Hl, docs: &mut Vec<Heredoc>, limit: usize) {
    let b = s.b;
    let limit = limit.min(b.len());
    for (n, doc) in docs.drain(..).enumerate() {
        let body = if n == 0 {
            s.pos
        } else {
            (s.pos + 1).min(limit)
        };
        let delim = &b[doc.start..doc.end];
        let mut j = body;
        let mut term = None;
        while j < limit {
            let le = line_end(b, j).min(limit);
            let k = if doc.indent { skip_blanks(b, j) } else { j };
            let mut t = le;
            if t > k && b[t - 1] == b'\r' {
                t -= 1;
            }
            if &b[k.min(t)..t] == delim {
                term = Some((k, t, le));
                break;
            }
            j = le + 1;
        }
        match term {
            Some((k, t, le)) => {
                s.span(body, j.saturating_sub(1).max(body), STR);
                s.span(k, t, KW);
                s.pos = le;
            }
            None => {
                s.span(body, limit, STR);
                s.pos = limit;
            }
        }
    }
}

// ---------------------------------------------------------------- C-like languages

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Plain,
    Rust,
    Python,
    Ruby,
    Js,
    Sql,
    Hcl,
    Promql,
}

#[derive(Clone, Copy)]
struct Quote {
    q: u8,
    esc: bool,
    multiline: bool,
    doubled: bool,
    /// Interpolation opener inside the string (`${`, `#{`), empty for none.
    interp: &'static [u8],
    class: &'static str,
}

const fn quote(q: u8, esc: bool, multiline: bool) -> Quote {
    Quote {
        q,
        esc,
        multiline,
        doubled: false,
        interp: b"",
        class: STR,
    }
}

const fn interp(q: u8, open: &'static [u8]) -> Quote {
    Quote {
        q,
        esc: true,
        multiline: true,
        doubled: false,
        interp: open,
        class: STR,
    }
}

/// How identifiers followed by `=` are treated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assign {
    None,
    /// `key = value` (HCL attributes).
    Hcl,
    /// `label="v"`, `!=`, `=~`, `!~` inside `{…}` (PromQL matchers).
    Promql,
}

struct Spec {
    flavor: Flavor,
    line_comments: &'static [&'static [u8]],
    block_comment: Option<(&'static [u8], &'static [u8])>,
    nested_comments: bool,
    quotes: &'static [Quote],
    keywords: Words,
    types: Words,
    literals: Words,
    builtins: Words,
    /// Keywords after which the next identifier names a function / a type.
    fn_intro: Words,
    type_intro: Words,
    /// `Capitalised` identifiers are types, `ALL_CAPS` ones constants.
    caps: bool,
    ignore_case: bool,
    /// Extra identifier bytes (after the first).
    ident_extra: &'static [u8],
    /// Extra identifier bytes allowed first.
    ident_start_extra: &'static [u8],
    /// Bytes that may end an identifier (Ruby `empty?`, `save!`).
    ident_suffix: &'static [u8],
    /// `ident!` is a macro call (Rust).
    macro_bang: bool,
    /// `name:` is a symbol key (Ruby).
    sym_keys: bool,
    assign: Assign,
    /// A line-leading identifier before `"` or `{` is a block type (HCL).
    block_types: bool,
    /// `/re/` literals where an operand is expected.
    regex: bool,
}

const BASE: Spec = Spec {
    flavor: Flavor::Plain,
    line_comments: &[],
    block_comment: None,
    nested_comments: false,
    quotes: &[],
    keywords: words(&[]),
    types: words(&[]),
    literals: words(&[]),
    builtins: words(&[]),
    fn_intro: words(&[]),
    type_intro: words(&[]),
    caps: false,
    ignore_case: false,
    ident_extra: b"",
    ident_start_extra: b"",
    ident_suffix: b"",
    macro_bang: false,
    sym_keys: false,
    assign: Assign::None,
    block_types: false,
    regex: false,
};

static RUST: Spec = Spec {
    flavor: Flavor::Rust,
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    nested_comments: true,
    quotes: &[quote(b'"', true, true)],
    keywords: words(&[
        "Self", "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else",
        "enum", "extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "type",
        "union", "unsafe", "use", "where", "while", "yield",
    ]),
    types: words(&[
        "bool", "char", "f32", "f64", "i128", "i16", "i32", "i64", "i8", "isize", "str", "u128",
        "u16", "u32", "u64", "u8", "usize",
    ]),
    literals: words(&["false", "true"]),
    fn_intro: words(&["fn"]),
    type_intro: words(&["enum", "struct", "trait", "type", "union"]),
    caps: true,
    macro_bang: true,
    ..BASE
};

static GO: Spec = Spec {
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    quotes: &[
        quote(b'"', true, false),
        quote(b'\'', true, false),
        quote(b'`', false, true),
    ],
    keywords: words(&[
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ]),
    types: words(&[
        "any",
        "bool",
        "byte",
        "comparable",
        "complex128",
        "complex64",
        "error",
        "float32",
        "float64",
        "int",
        "int16",
        "int32",
        "int64",
        "int8",
        "rune",
        "string",
        "uint",
        "uint16",
        "uint32",
        "uint64",
        "uint8",
        "uintptr",
    ]),
    literals: words(&["false", "iota", "nil", "true"]),
    fn_intro: words(&["func"]),
    type_intro: words(&["type"]),
    ..BASE
};

static PYTHON: Spec = Spec {
    flavor: Flavor::Python,
    line_comments: &[b"#"],
    keywords: words(&[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
        "yield",
    ]),
    types: words(&[
        "bool",
        "bytes",
        "dict",
        "float",
        "frozenset",
        "int",
        "list",
        "object",
        "set",
        "str",
        "tuple",
    ]),
    literals: words(&["Ellipsis", "False", "None", "NotImplemented", "True"]),
    fn_intro: words(&["def"]),
    type_intro: words(&["class"]),
    caps: true,
    ..BASE
};

static RUBY: Spec = Spec {
    flavor: Flavor::Ruby,
    line_comments: &[b"#"],
    quotes: &[
        interp(b'"', b"#{"),
        quote(b'\'', true, true),
        interp(b'`', b"#{"),
    ],
    keywords: words(&[
        "BEGIN",
        "END",
        "__FILE__",
        "__LINE__",
        "__method__",
        "alias",
        "and",
        "begin",
        "break",
        "case",
        "class",
        "def",
        "defined?",
        "do",
        "else",
        "elsif",
        "end",
        "ensure",
        "for",
        "if",
        "in",
        "module",
        "next",
        "not",
        "or",
        "redo",
        "rescue",
        "retry",
        "return",
        "self",
        "super",
        "then",
        "undef",
        "unless",
        "until",
        "when",
        "while",
        "yield",
    ]),
    literals: words(&["false", "nil", "true"]),
    builtins: words(&[
        "attr_accessor",
        "attr_reader",
        "attr_writer",
        "extend",
        "include",
        "lambda",
        "loop",
        "prepend",
        "private",
        "proc",
        "protected",
        "public",
        "puts",
        "raise",
        "require",
        "require_relative",
    ]),
    fn_intro: words(&["def"]),
    type_intro: words(&["class", "module"]),
    caps: true,
    ident_suffix: b"?!",
    sym_keys: true,
    regex: true,
    ..BASE
};

const JS_KEYWORDS: Words = words(&[
    "abstract",
    "as",
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "declare",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "finally",
    "for",
    "from",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "keyof",
    "let",
    "namespace",
    "new",
    "of",
    "private",
    "protected",
    "public",
    "readonly",
    "return",
    "satisfies",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "try",
    "type",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
]);

static JAVASCRIPT: Spec = Spec {
    flavor: Flavor::Js,
    line_comments: &[b"//"],
    block_comment: Some((b"/*", b"*/")),
    quotes: &[
        quote(b'"', true, false),
        quote(b'\'', true, false),
        interp(b'`', b"${"),
    ],
    keywords: JS_KEYWORDS,
    literals: words(&["Infinity", "NaN", "false", "null", "true", "undefined"]),
    fn_intro: words(&["function"]),
    type_intro: words(&["class", "enum", "interface", "type"]),
    caps: true,
    ident_extra: b"$",
    ident_start_extra: b"$",
    regex: true,
    ..BASE
};

static TYPESCRIPT: Spec = Spec {
    types: words(&[
        "any", "bigint", "boolean", "never", "number", "object", "string", "symbol", "unknown",
    ]),
    ..JAVASCRIPT
};

static SQL: Spec = Spec {
    flavor: Flavor::Sql,
    line_comments: &[b"--"],
    block_comment: Some((b"/*", b"*/")),
    quotes: &[
        Quote {
            doubled: true,
            ..quote(b'\'', false, true)
        },
        Quote {
            doubled: true,
            class: VAR,
            ..quote(b'"', false, false)
        },
        Quote {
            class: VAR,
            ..quote(b'`', false, false)
        },
    ],
    keywords: words(&[
        "add",
        "all",
        "alter",
        "analyze",
        "and",
        "any",
        "as",
        "asc",
        "begin",
        "between",
        "by",
        "cascade",
        "case",
        "check",
        "collate",
        "column",
        "commit",
        "concurrently",
        "conflict",
        "constraint",
        "create",
        "cross",
        "current_date",
        "current_timestamp",
        "database",
        "declare",
        "default",
        "delete",
        "desc",
        "distinct",
        "do",
        "drop",
        "each",
        "else",
        "end",
        "except",
        "execute",
        "exists",
        "explain",
        "extension",
        "fetch",
        "filter",
        "first",
        "for",
        "foreign",
        "from",
        "full",
        "function",
        "grant",
        "group",
        "having",
        "if",
        "ilike",
        "immutable",
        "in",
        "index",
        "inner",
        "insert",
        "intersect",
        "into",
        "is",
        "join",
        "key",
        "language",
        "last",
        "lateral",
        "left",
        "like",
        "limit",
        "lock",
        "materialized",
        "natural",
        "not",
        "nothing",
        "nulls",
        "of",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "over",
        "owner",
        "partition",
        "policy",
        "primary",
        "procedure",
        "references",
        "replace",
        "restrict",
        "return",
        "returning",
        "returns",
        "revoke",
        "right",
        "role",
        "rollback",
        "row",
        "rows",
        "schema",
        "select",
        "sequence",
        "set",
        "show",
        "stable",
        "strict",
        "table",
        "tablespace",
        "temp",
        "temporary",
        "then",
        "to",
        "transaction",
        "trigger",
        "truncate",
        "union",
        "unique",
        "update",
        "using",
        "vacuum",
        "values",
        "view",
        "volatile",
        "when",
        "where",
        "window",
        "with",
        "within",
    ]),
    types: words(&[
        "bigint",
        "bigserial",
        "bit",
        "bool",
        "boolean",
        "bytea",
        "char",
        "character",
        "cidr",
        "date",
        "decimal",
        "double",
        "float",
        "inet",
        "int",
        "int2",
        "int4",
        "int8",
        "integer",
        "interval",
        "json",
        "jsonb",
        "money",
        "numeric",
        "oid",
        "precision",
        "real",
        "regclass",
        "serial",
        "smallint",
        "text",
        "time",
        "timestamp",
        "timestamptz",
        "uuid",
        "varchar",
        "varying",
        "void",
        "xml",
    ]),
    literals: words(&["false", "null", "true", "unknown"]),
    ignore_case: true,
    ident_extra: b"$",
    ..BASE
};

static HCL: Spec = Spec {
    flavor: Flavor::Hcl,
    line_comments: &[b"#", b"//"],
    block_comment: Some((b"/*", b"*/")),
    quotes: &[interp(b'"', b"${")],
    keywords: words(&["else", "endfor", "endif", "for", "if", "in"]),
    literals: words(&["false", "null", "true"]),
    ident_extra: b"-",
    assign: Assign::Hcl,
    block_types: true,
    ..BASE
};

static PROMQL: Spec = Spec {
    flavor: Flavor::Promql,
    line_comments: &[b"#"],
    quotes: &[
        quote(b'"', true, false),
        quote(b'\'', true, false),
        quote(b'`', false, false),
    ],
    keywords: words(&[
        "and",
        "atan2",
        "bool",
        "by",
        "group_left",
        "group_right",
        "ignoring",
        "offset",
        "on",
        "or",
        "unless",
        "without",
    ]),
    builtins: words(&[
        "avg",
        "bottomk",
        "count",
        "count_values",
        "group",
        "limit_ratio",
        "limitk",
        "max",
        "min",
        "quantile",
        "stddev",
        "stdvar",
        "sum",
        "topk",
    ]),
    literals: words(&["Inf", "NaN", "inf", "nan"]),
    ident_extra: b":",
    ident_start_extra: b":",
    assign: Assign::Promql,
    ..BASE
};

fn spec_for(lang: &str) -> Option<&'static Spec> {
    Some(match lang {
        "rust" => &RUST,
        "go" => &GO,
        "python" => &PYTHON,
        "ruby" => &RUBY,
        "javascript" => &JAVASCRIPT,
        "typescript" => &TYPESCRIPT,
        "sql" => &SQL,
        "hcl" => &HCL,
        "promql" => &PROMQL,
        _ => return None,
    })
}

struct St {
    /// A `/` here starts a regex rather than a division.
    regex_ok: bool,
    /// Class for the next identifier (after `fn`, `class`, …).
    pending: Option<&'static str>,
    /// `{` nesting (PromQL matchers).
    braces: usize,
    heredocs: Vec<Heredoc>,
}

/// The lexer of keyword/string/comment languages, driven by a `Spec`.
fn code_lang(s: &mut Hl, spec: &Spec) {
    let b = s.b;
    let mut st = St {
        regex_ok: true,
        pending: None,
        braces: 0,
        heredocs: Vec::new(),
    };
    let mut line_start = true;
    while s.pos < b.len() {
        let i = s.pos;
        let c = b[i];
        if c == b'\n' {
            s.pos += 1;
            line_start = true;
            st.regex_ok = true;
            if !st.heredocs.is_empty() {
                heredoc_bodies(s, &mut st.heredocs, b.len());
            }
            continue;
        }
        if is_blank(c) {
            s.pos += 1;
            continue;
        }
        let at_line_start = line_start;
        line_start = false;
        if special(s, spec, &mut st, at_line_start) {
            continue;
        }
        if let Some(end) = comment_end(s, spec, i) {
            s.token(i, end, CMT);
            continue;
        }
        if let Some(q) = spec.quotes.iter().find(|q| q.q == c) {
            quoted(s, i, i, *q);
            st.regex_ok = false;
            st.pending = None;
            continue;
        }
        if c.is_ascii_digit()
            || c == b'.'
                && s.at(i + 1).is_ascii_digit()
                && (i == 0 || !is_ident(b[i - 1]) && b[i - 1] != b'.')
        {
            s.token(i, number_end(b, i), NUM);
            st.regex_ok = false;
            continue;
        }
        if is_ident_start(c) || spec.ident_start_extra.contains(&c) {
            ident(s, spec, &mut st, at_line_start);
            continue;
        }
        if c == b'/'
            && spec.regex
            && st.regex_ok
            && let Some(end) = regex_end(b, i)
        {
            s.token(i, end, RE);
            st.regex_ok = false;
            continue;
        }
        match c {
            b'{' => st.braces += 1,
            b'}' => st.braces = st.braces.saturating_sub(1),
            _ => {}
        }
        st.pending = None;
        st.regex_ok = !matches!(c, b')' | b']' | b'}');
        s.pos = i + 1;
    }
}

fn comment_end(s: &Hl, spec: &Spec, i: usize) -> Option<usize> {
    if spec.line_comments.iter().any(|lc| s.starts(i, lc)) {
        return Some(s.line_end(i));
    }
    let (open, close) = spec.block_comment?;
    if !s.starts(i, open) {
        return None;
    }
    let mut depth = 0usize;
    let mut j = i;
    while j < s.b.len() {
        if s.starts(j, open) && (depth == 0 || spec.nested_comments) {
            depth += 1;
            j += open.len();
        } else if s.starts(j, close) {
            depth -= 1;
            j += close.len();
            if depth == 0 {
                return Some(j);
            }
        } else {
            j += 1;
        }
    }
    Some(s.b.len())
}

/// Emits a string whose opening quote is at `q_at` (`start` may be earlier,
/// for prefixes like `b"` or `f"`), with nested interpolation spans.
fn quoted(s: &mut Hl, start: usize, q_at: usize, q: Quote) {
    let b = s.b;
    if q.interp.is_empty() {
        let end = quote_end(b, q_at, q.q, q.esc, q.multiline, q.doubled);
        s.token(start, end, q.class);
        return;
    }
    s.open(start, q.class);
    let mut j = q_at + 1;
    while j < b.len() {
        let c = b[j];
        if c == q.q {
            j += 1;
            break;
        }
        if c == b'\\' && q.esc {
            j += 2;
            continue;
        }
        if c == b'\n' && !q.multiline {
            break;
        }
        if s.starts(j, q.interp) {
            let e = bracket_end(b, j + q.interp.len() - 1, b'{', b'}', false);
            s.span(j, e, VAR);
            j = e;
            continue;
        }
        j += 1;
    }
    let end = j.min(b.len());
    s.close(end);
    s.pos = end.max(q_at + 1).min(b.len());
}

fn ident(s: &mut Hl, spec: &Spec, st: &mut St, line_start: bool) {
    let b = s.b;
    let i = s.pos;
    let mut e = i + 1;
    while e < b.len() && (is_ident(b[e]) || spec.ident_extra.contains(&b[e])) {
        e += 1;
    }
    if spec.ident_suffix.contains(&s.at(e)) && s.at(e + 1) != b'=' {
        e += 1;
    }
    // `e` is after an ASCII byte or before one (identifier bytes include all
    // of UTF-8's non-ASCII bytes), so this slice is on char boundaries.
    let word = &s.src[i..e];
    let next = s.at(e);
    let mut end = e;
    let mut buf = [0u8; 24];
    let key = if spec.ignore_case {
        ascii_lower(word, &mut buf).unwrap_or("")
    } else {
        word
    };
    let lookup = |list: &Words| list.contains(key);
    let class = if lookup(&spec.keywords) {
        Some(KW)
    } else if let Some(p) = st.pending {
        Some(p)
    } else if lookup(&spec.literals) {
        Some(LIT)
    } else if lookup(&spec.types) {
        Some(TYPE)
    } else if lookup(&spec.builtins) {
        Some(FUNC)
    } else if spec.sym_keys && next == b':' && s.at(e + 1) != b':' {
        end = e + 1;
        Some(LIT)
    } else if spec.macro_bang && next == b'!' && s.at(e + 1) != b'=' {
        end = e + 1;
        Some(FUNC)
    } else if spec.caps && b[i].is_ascii_uppercase() {
        if word.bytes().any(|c| c.is_ascii_lowercase()) || word.len() == 1 {
            Some(TYPE)
        } else {
            Some(LIT)
        }
    } else if next == b'(' {
        Some(FUNC)
    } else if is_assign_key(s, spec, st, e) {
        Some(ATTR)
    } else if spec.block_types && line_start && matches!(s.at(skip_blanks(b, e)), b'"' | b'{') {
        Some(KW)
    } else {
        None
    };
    st.pending = None;
    if class == Some(KW) {
        if spec.fn_intro.contains(word) {
            st.pending = Some(FUNC);
        } else if spec.type_intro.contains(word) {
            st.pending = Some(TYPE);
        }
    }
    st.regex_ok = class == Some(KW);
    match class {
        Some(class) => s.token(i, end, class),
        None => s.pos = end,
    }
}

fn is_assign_key(s: &Hl, spec: &Spec, st: &St, e: usize) -> bool {
    let j = skip_blanks(s.b, e);
    let (c, n) = (s.at(j), s.at(j + 1));
    match spec.assign {
        Assign::None => false,
        Assign::Hcl => c == b'=' && !matches!(n, b'=' | b'>'),
        Assign::Promql => {
            st.braces > 0 && (c == b'=' && n != b'=' || matches!((c, n), (b'!', b'=' | b'~')))
        }
    }
}

/// End of a `/regex/flags` literal at `i`, if it closes on the same line
/// (within a bounded look-ahead, so a line of stray slashes stays linear).
fn regex_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if matches!(b.get(j), Some(b'/' | b'*' | b' ' | b'=')) {
        return None;
    }
    let mut class = false;
    let limit = b.len().min(i + 512);
    while j < limit {
        match b[j] {
            b'\\' => j += 1,
            b'[' => class = true,
            b']' => class = false,
            b'/' if !class => {
                j += 1;
                while j < b.len() && b[j].is_ascii_alphabetic() {
                    j += 1;
                }
                return Some(j);
            }
            b'\n' => return None,
            _ => {}
        }
        j += 1;
    }
    None
}

/// Language-specific tokens tried before the generic ones. Returns true
/// when it consumed something.
fn special(s: &mut Hl, spec: &Spec, st: &mut St, line_start: bool) -> bool {
    let i = s.pos;
    let c = s.b[i];
    match spec.flavor {
        Flavor::Rust => rust_special(s, c, i),
        Flavor::Python => python_special(s, st, c, i, line_start),
        Flavor::Ruby => ruby_special(s, st, c, i, line_start),
        Flavor::Js => {
            if c == b'@' && is_ident_start(s.at(i + 1)) {
                let e = ident_run(s.b, i + 1, b".");
                s.token(i, e, ATTR);
                return true;
            }
            false
        }
        Flavor::Sql => sql_special(s, c, i),
        Flavor::Hcl => {
            if c == b'<'
                && s.at(i + 1) == b'<'
                && let Some((e, doc)) = heredoc_open(s.b, i, false)
            {
                s.token(i, e, KW);
                st.heredocs.push(doc);
                return true;
            }
            false
        }
        Flavor::Promql | Flavor::Plain => false,
    }
}

/// End of a run of identifier bytes (plus `extra`) from `i`.
fn ident_run(b: &[u8], mut i: usize, extra: &[u8]) -> usize {
    while i < b.len() && (is_ident(b[i]) || extra.contains(&b[i])) {
        i += 1;
    }
    i
}

fn rust_special(s: &mut Hl, c: u8, i: usize) -> bool {
    let b = s.b;
    match c {
        b'#' if s.at(i + 1) == b'[' || s.starts(i + 1, b"![") => {
            let open = if s.at(i + 1) == b'[' { i + 1 } else { i + 2 };
            let e = bracket_end(b, open, b'[', b']', true);
            s.token(i, e, ATTR);
            true
        }
        b'r' | b'b' | b'c' => {
            let mut j = i + 1;
            if c != b'r' && s.at(j) == b'r' {
                j += 1;
            }
            if c == b'r' || j == i + 2 {
                let hashes = j;
                while s.at(j) == b'#' {
                    j += 1;
                }
                let n = j - hashes;
                if s.at(j) != b'"' {
                    return false;
                }
                let mut k = j + 1;
                let end = loop {
                    if k >= b.len() {
                        break b.len();
                    }
                    if b[k] == b'"'
                        && b[k + 1..].iter().take(n).filter(|&&h| h == b'#').count() == n
                    {
                        break k + 1 + n;
                    }
                    k += 1;
                };
                s.token(i, end, STR);
                true
            } else if s.at(i + 1) == b'"' {
                quoted(s, i, i + 1, quote(b'"', true, true));
                true
            } else if c == b'b' && s.at(i + 1) == b'\'' {
                let end = quote_end(b, i + 1, b'\'', true, false, false);
                s.token(i, end, STR);
                true
            } else {
                false
            }
        }
        b'\'' => {
            if s.at(i + 1) == b'\\' {
                let end = quote_end(b, i, b'\'', true, false, false);
                s.token(i, end, STR);
            } else if i + 1 < b.len() && s.at(s.char_end(i + 1)) == b'\'' && s.at(i + 1) != b'\n' {
                s.token(i, s.char_end(i + 1) + 1, STR);
            } else if is_ident_start(s.at(i + 1)) {
                let e = ident_run(b, i + 1, b"");
                s.token(i, e, VAR);
            } else {
                s.pos = i + 1;
            }
            true
        }
        _ => false,
    }
}

fn python_special(s: &mut Hl, st: &mut St, c: u8, i: usize, line_start: bool) -> bool {
    let b = s.b;
    if c == b'@' && line_start && is_ident_start(s.at(i + 1)) {
        let e = ident_run(b, i + 1, b".");
        s.token(i, e, ATTR);
        return true;
    }
    let mut j = i;
    while j < i + 2
        && matches!(
            s.at(j),
            b'r' | b'R' | b'b' | b'B' | b'u' | b'U' | b'f' | b'F'
        )
    {
        j += 1;
    }
    let q = s.at(j);
    if q != b'"' && q != b'\'' {
        return false;
    }
    let end = if s.at(j + 1) == q && s.at(j + 2) == q {
        triple_end(b, j + 3, q, true)
    } else {
        quote_end(b, j, q, true, false, false)
    };
    s.token(i, end, STR);
    st.pending = None;
    st.regex_ok = false;
    true
}

fn ruby_special(s: &mut Hl, st: &mut St, c: u8, i: usize, line_start: bool) -> bool {
    let b = s.b;
    match c {
        b'=' if line_start && s.starts(i, b"=begin") => {
            let mut j = s.line_end(i);
            let end = loop {
                if j >= b.len() {
                    break b.len();
                }
                if s.starts(j, b"\n=end") {
                    break s.line_end(j + 1);
                }
                j = s.line_end(j + 1);
            };
            s.token(i, end, CMT);
            true
        }
        b'@' => {
            let mut j = i + 1;
            if s.at(j) == b'@' {
                j += 1;
            }
            if !is_ident_start(s.at(j)) {
                return false;
            }
            s.token(i, ident_run(b, j, b""), VAR);
            st.regex_ok = false;
            true
        }
        b'$' => {
            let n = s.at(i + 1);
            let e = if is_ident_start(n) {
                ident_run(b, i + 1, b"")
            } else if n.is_ascii_digit() || b"!@&~?$:;,./\\<>_*'\"".contains(&n) {
                i + 2
            } else {
                return false;
            };
            s.token(i, e, VAR);
            st.regex_ok = false;
            true
        }
        b':' => {
            let n = s.at(i + 1);
            if n == b':' {
                s.pos = i + 2;
                return true;
            }
            if i > 0 && is_ident(b[i - 1]) {
                return false;
            }
            let e = if is_ident_start(n) {
                let mut e = ident_run(b, i + 1, b"");
                if matches!(s.at(e), b'?' | b'!' | b'=') && !matches!(s.at(e + 1), b'=' | b'>') {
                    e += 1;
                }
                e
            } else if n == b'"' {
                quote_end(b, i + 1, b'"', true, false, false)
            } else {
                return false;
            };
            s.token(i, e, LIT);
            st.regex_ok = false;
            true
        }
        b'%' if st.regex_ok => {
            let (kind, d) = match s.at(i + 1) {
                k @ (b'q' | b'Q' | b'w' | b'W' | b'i' | b'I' | b'r' | b's' | b'x') => {
                    (k, s.at(i + 2))
                }
                d => (b'Q', d),
            };
            let close = match d {
                b'(' => b')',
                b'[' => b']',
                b'{' => b'}',
                b'<' => b'>',
                b'|' | b'!' | b'/' | b'^' => d,
                _ => return false,
            };
            let open_at = if d == s.at(i + 1) { i + 1 } else { i + 2 };
            let end = if close == d {
                quote_end(b, open_at, d, true, true, false)
            } else {
                bracket_end(b, open_at, d, close, true)
            };
            s.token(i, end, if kind == b'r' { RE } else { STR });
            st.regex_ok = false;
            true
        }
        b'<' if s.at(i + 1) == b'<' => {
            if let Some((e, doc)) = heredoc_open(b, i, true) {
                s.token(i, e, KW);
                st.heredocs.push(doc);
                true
            } else {
                false
            }
        }
        _ => false,
    }
}

fn sql_special(s: &mut Hl, c: u8, i: usize) -> bool {
    let b = s.b;
    match c {
        b'$' => {
            let n = s.at(i + 1);
            if n.is_ascii_digit() {
                let mut e = i + 1;
                while s.at(e).is_ascii_digit() {
                    e += 1;
                }
                s.token(i, e, VAR);
                return true;
            }
            // Dollar quoting: $$ … $$ or $tag$ … $tag$.
            let mut j = i + 1;
            if is_ident_start(n) && n < 0x80 {
                while s.at(j).is_ascii_alphanumeric() || s.at(j) == b'_' {
                    j += 1;
                }
            }
            if s.at(j) != b'$' {
                return false;
            }
            let tag = &b[i..=j];
            let body = j + 1;
            let end = b[body..]
                .windows(tag.len())
                .position(|w| w == tag)
                .map_or(b.len(), |p| body + p + tag.len());
            s.token(i, end, STR);
            true
        }
        b':' | b'@' => {
            if c == b':' && s.at(i + 1) == b':' {
                s.pos = i + 2;
                return true;
            }
            if !is_ident_start(s.at(i + 1)) || i > 0 && is_ident(b[i - 1]) {
                return false;
            }
            s.token(i, ident_run(b, i + 1, b""), VAR);
            true
        }
        _ => false,
    }
}

// ---------------------------------------------------------------- shell

#[derive(Default, Clone, Copy)]
struct ShellOpts {
    /// Lines starting with `$ ` are commands, the others output.
    session: bool,
    /// The first word is a command (false for Dockerfile arguments).
    no_cmd: bool,
    /// `NAME=value` arguments are assignments (`ENV`, `ARG`).
    assign_args: bool,
    /// `AS` is a keyword (`FROM image AS name`).
    from_as: bool,
}

struct ShellSt {
    cmd: bool,
    /// After a prefix command (`sudo`): an option ends command position.
    after_prefix: bool,
    /// 1: after `for`/`case`/`select`, 2: after its word (`in` expected).
    for_state: u8,
    pending_fn: bool,
    assign_args: bool,
    heredocs: Vec<Heredoc>,
}

static SHELL_KEYWORDS: Words = words(&[
    "!", "[[", "]]", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if",
    "in", "select", "then", "time", "until", "while", "{", "}",
]);
/// Commands whose next word is a command too.
static SHELL_PREFIX: Words = words(&[
    "command", "doas", "env", "exec", "nice", "nohup", "sudo", "time", "watch", "xargs",
]);
/// Commands whose arguments may be assignments.
static SHELL_DECLARE: Words = words(&["declare", "export", "local", "readonly", "typeset"]);

fn is_shell_break(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | b'\n' | b'|' | b'&' | b';' | b'(' | b')' | b'<' | b'>'
    )
}

fn is_shell_meta(c: u8) -> bool {
    is_shell_break(c) || matches!(c, b'\'' | b'"' | b'$' | b'`' | b'\\')
}

/// Shell (also console sessions, Dockerfile instructions) over `s.pos..end`.
fn shell(s: &mut Hl, end: usize, opts: ShellOpts) {
    let b = s.b;
    let end = end.min(b.len());
    let mut st = ShellSt {
        cmd: !opts.no_cmd,
        after_prefix: false,
        for_state: 0,
        pending_fn: false,
        assign_args: opts.assign_args,
        heredocs: Vec::new(),
    };
    let mut continued = false;
    while s.pos < end {
        let i = s.pos;
        let c = b[i];
        if opts.session && (i == 0 || b[i - 1] == b'\n') {
            if continued {
                continued = false;
            } else if c == b'$' && (i + 1 >= end || is_blank(s.at(i + 1)) || s.at(i + 1) == b'\n') {
                s.token(i, i + 1, PROMPT);
                st.cmd = true;
                continue;
            } else if c != b'\n' {
                let le = s.line_end(i).min(end);
                s.token(i, le, OUTPUT);
                continue;
            }
        }
        match c {
            b'\n' => {
                s.pos += 1;
                st.cmd = !opts.no_cmd;
                st.for_state = 0;
                st.assign_args = opts.assign_args;
                if !st.heredocs.is_empty() {
                    heredoc_bodies(s, &mut st.heredocs, end);
                }
            }
            b'\\' if s.at(i + 1) == b'\n' => {
                s.pos = i + 2;
                continued = true;
            }
            _ if is_blank(c) => s.pos += 1,
            b'#' => {
                let e = s.line_end(i).min(end);
                s.token(i, e, CMT);
            }
            b'|' | b'&' | b';' | b'(' | b')' | b'<' | b'>' => shell_op(s, &mut st, end),
            _ => shell_word(s, &mut st, end, opts),
        }
    }
}

fn shell_op(s: &mut Hl, st: &mut ShellSt, end: usize) {
    let i = s.pos;
    let c = s.b[i];
    let n = s.at(i + 1);
    let (len, cmd) = match c {
        b'|' => (if n == b'|' || n == b'&' { 2 } else { 1 }, true),
        b'&' if n == b'&' => (2, true),
        b'&' if n == b'>' => (if s.at(i + 2) == b'>' { 3 } else { 2 }, st.cmd),
        b'&' => (1, true),
        b';' => (if n == b';' || n == b'&' { 2 } else { 1 }, true),
        b'(' if n == b'(' => (2, false),
        b'(' => (1, true),
        b')' => (if n == b')' { 2 } else { 1 }, false),
        b'<' if n == b'<' && s.at(i + 2) != b'<' => {
            if let Some((e, doc)) = heredoc_open(s.b, i, false)
                && e <= end
            {
                s.token(i, e, KW);
                st.heredocs.push(doc);
                return;
            }
            (2, st.cmd)
        }
        b'<' if n == b'<' => (3, st.cmd),
        b'<' if n == b'(' => (2, true),
        b'<' if n == b'&' || n == b'>' => (2, st.cmd),
        b'>' if n == b'(' => (2, true),
        b'>' if n == b'>' || n == b'&' || n == b'|' => (2, st.cmd),
        _ => (1, st.cmd),
    };
    s.token(i, (i + len).min(end), PUNCT);
    st.cmd = cmd;
    st.after_prefix = false;
}

/// `NAME=` / `NAME+=` at the start of `head`: the length of NAME.
fn assignment_len(head: &str) -> Option<usize> {
    let h = head.as_bytes();
    if !h
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    let n = h
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))?;
    match (h[n], h.get(n + 1)) {
        (b'=', _) | (b'+', Some(b'=')) => Some(n),
        _ => None,
    }
}

fn shell_word(s: &mut Hl, st: &mut ShellSt, end: usize, opts: ShellOpts) {
    let b = s.b;
    let start = s.pos;
    let mut j = start;
    while j < end && !is_shell_meta(b[j]) {
        j += 1;
    }
    let whole = j >= end || is_shell_break(b[j]);
    // `start` and `j` are at ASCII bytes (or the end): char boundaries.
    let head = &s.src[start..j];
    let for_state = std::mem::take(&mut st.for_state);
    if for_state == 1 {
        st.for_state = 2;
    }
    if head.is_empty() {
        st.cmd = false;
    } else if for_state == 2 && whole && head == "in" {
        s.span(start, j, KW);
    } else if for_state == 1 {
        s.span(start, j, VAR);
    } else if st.cmd && st.after_prefix && head.starts_with('-') {
        let e = head.find('=').map_or(j, |p| start + p);
        s.span(start, e, ATTR);
        st.cmd = false;
        st.after_prefix = false;
    } else if st.cmd {
        if let Some(n) = assignment_len(head) {
            s.span(start, start + n, VAR);
        } else if whole && SHELL_KEYWORDS.contains(head) {
            s.span(start, j, KW);
            st.cmd = matches!(
                head,
                "!" | "do" | "elif" | "else" | "if" | "then" | "time" | "until" | "while" | "{"
            );
            if matches!(head, "for" | "case" | "select") {
                st.for_state = 1;
            }
            st.pending_fn = head == "function";
        } else {
            s.span(start, j, FUNC);
            st.cmd = SHELL_PREFIX.contains(head);
            st.after_prefix = st.cmd;
            if SHELL_DECLARE.contains(head) {
                st.assign_args = true;
            }
        }
    } else if st.pending_fn {
        s.span(start, j, FUNC);
        st.pending_fn = false;
    } else if head.len() > 1 && head.starts_with('-') {
        let e = head.find('=').map_or(j, |p| start + p);
        s.span(start, e, ATTR);
    } else if let Some(n) = assignment_len(head).filter(|_| st.assign_args) {
        s.span(start, start + n, VAR);
    } else if whole && head.bytes().all(|c| c.is_ascii_digit()) {
        s.span(start, j, NUM);
    } else if whole && opts.from_as && head.eq_ignore_ascii_case("as") {
        s.span(start, j, KW);
    }
    // The rest of the word: quotes, expansions, escapes, plain runs.
    while j < end {
        match b[j] {
            b'\'' => {
                let e = quote_end(b, j, b'\'', false, true, false).min(end);
                s.span(j, e, STR);
                j = e;
            }
            b'"' => j = shell_dq(s, j, end),
            b'`' => {
                let e = quote_end(b, j, b'`', true, true, false).min(end);
                s.span(j, e, VAR);
                j = e;
            }
            b'$' => match s.at(j + 1) {
                b'\'' if j + 1 < end => {
                    let e = quote_end(b, j + 1, b'\'', true, true, false).min(end);
                    s.span(j, e, STR);
                    j = e;
                }
                b'(' => {
                    let arith = s.at(j + 2) == b'(';
                    let e = (j + if arith { 3 } else { 2 }).min(end);
                    s.token(j, e, PUNCT);
                    st.cmd = !arith;
                    st.after_prefix = false;
                    return;
                }
                _ => match dollar_end(b, j, end) {
                    Some(e) => {
                        s.span(j, e, VAR);
                        j = e;
                    }
                    None => j += 1,
                },
            },
            b'\\' => {
                if s.at(j + 1) == b'\n' {
                    break;
                }
                j = if j + 1 < end {
                    s.char_end(j + 1)
                } else {
                    j + 1
                };
            }
            c if is_shell_break(c) => break,
            _ => {
                while j < end && !is_shell_meta(b[j]) {
                    j += 1;
                }
            }
        }
    }
    s.pos = j.min(end).max(start + 1);
}

/// End of `$name`, `${…}`, `$(…)`, `$1`, `$?` … at `j`.
fn dollar_end(b: &[u8], j: usize, end: usize) -> Option<usize> {
    let n = *b.get(j + 1)?;
    if j + 1 >= end {
        return None;
    }
    Some(match n {
        b'{' => bracket_end(b, j + 1, b'{', b'}', false).min(end),
        b'(' => bracket_end(b, j + 1, b'(', b')', false).min(end),
        c if c.is_ascii_alphabetic() || c == b'_' => {
            let mut e = j + 2;
            while e < end && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
                e += 1;
            }
            e
        }
        c if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => j + 2,
        _ => return None,
    })
}

/// A double-quoted shell string at `i` with its expansions; returns its end.
fn shell_dq(s: &mut Hl, i: usize, end: usize) -> usize {
    let b = s.b;
    s.open(i, STR);
    let mut j = i + 1;
    while j < end {
        match b[j] {
            b'"' => {
                j += 1;
                break;
            }
            b'\\' => j += 2,
            b'$' => match dollar_end(b, j, end) {
                Some(e) => {
                    s.span(j, e, VAR);
                    j = e;
                }
                None => j += 1,
            },
            b'`' => {
                let e = quote_end(b, j, b'`', true, true, false).min(end);
                s.span(j, e, VAR);
                j = e;
            }
            _ => j += 1,
        }
    }
    let j = j.min(end);
    s.close(j);
    j
}

// ---------------------------------------------------------------- Dockerfile

static DOCKER_INSTRUCTIONS: Words = words(&[
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
]);

fn dockerfile(s: &mut Hl) {
    let b = s.b;
    let mut line_start = true;
    while s.pos < b.len() {
        let i = s.pos;
        let c = b[i];
        if c == b'\n' {
            s.pos += 1;
            line_start = true;
            continue;
        }
        if is_blank(c) {
            s.pos += 1;
            continue;
        }
        if line_start && c == b'#' {
            let e = s.line_end(i);
            s.token(i, e, CMT);
            continue;
        }
        let first = line_start;
        line_start = false;
        let w = ident_run(b, i, b"");
        let word = &s.src[i..w];
        if !(first && DOCKER_INSTRUCTIONS.contains_nocase(word)) {
            shell(s, s.line_end(i), ShellOpts::default());
            continue;
        }
        let end = logical_line_end(b, i);
        s.token(i, w, KW);
        let lower = word.to_ascii_lowercase();
        let mut opts = ShellOpts {
            no_cmd: true,
            ..ShellOpts::default()
        };
        match lower.as_str() {
            "run" | "cmd" | "entrypoint" | "shell" | "onbuild" | "healthcheck" => {
                // `--mount=…` style flags come before the command.
                loop {
                    let k = skip_blanks(b, s.pos);
                    if !s.starts(k, b"--") {
                        break;
                    }
                    let e = (k..end).find(|&x| is_blank(b[x]) || b[x] == b'\n');
                    let e = e.unwrap_or(end);
                    let eq = (k..e).find(|&x| b[x] == b'=').unwrap_or(e);
                    s.span(k, eq, ATTR);
                    s.pos = e;
                }
                let k = skip_blanks(b, s.pos);
                if s.at(k) == b'[' {
                    s.pos = k;
                    while s.pos < end {
                        let j = s.pos;
                        if b[j] == b'"' {
                            let e = quote_end(b, j, b'"', true, false, false).min(end);
                            s.token(j, e, STR);
                        } else {
                            s.pos = s.char_end(j);
                        }
                    }
                    continue;
                }
                opts.no_cmd = false;
            }
            "env" | "arg" | "label" => opts.assign_args = true,
            "from" => opts.from_as = true,
            _ => {}
        }
        shell(s, end, opts);
    }
}

/// End of the line at `i`, following `\` continuations (and the comment
/// lines Docker allows inside them).
fn logical_line_end(b: &[u8], i: usize) -> usize {
    let mut k = i;
    loop {
        let le = line_end(b, k);
        let mut t = le;
        while t > k && is_blank(b[t - 1]) {
            t -= 1;
        }
        if le >= b.len() || t == k || b[t - 1] != b'\\' {
            return le;
        }
        k = le + 1;
        // Comment lines inside a continued instruction.
        loop {
            let s = skip_blanks(b, k);
            if s < b.len() && b[s] == b'#' {
                let e = line_end(b, s);
                if e >= b.len() {
                    return e;
                }
                k = e + 1;
            } else {
                break;
            }
        }
    }
}

// ---------------------------------------------------------------- YAML

fn yaml_scalar_class(v: &str) -> &'static str {
    static LITERALS: Words = words(&[
        "FALSE", "False", "NO", "NULL", "No", "Null", "OFF", "ON", "Off", "On", "TRUE", "True",
        "YES", "Yes", "false", "no", "null", "off", "on", "true", "yes", "~",
    ]);
    if LITERALS.contains(v) {
        return LIT;
    }
    let t = v.strip_prefix(['-', '+']).unwrap_or(v);
    let b = t.as_bytes();
    if b.is_empty() {
        return STR;
    }
    if matches!(t, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return NUM;
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0o")) {
        return if !hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit() || c == b'_') {
            NUM
        } else {
            STR
        };
    }
    if !(b[0].is_ascii_digit() || b[0] == b'.' && b.len() > 1) {
        return STR;
    }
    if number_end(b, 0) == b.len()
        && !b
            .iter()
            .any(|c| c.is_ascii_alphabetic() && !matches!(c, b'e' | b'E'))
    {
        NUM
    } else {
        STR
    }
}

/// Whether a `:` at `j` is a mapping indicator.
fn yaml_colon(b: &[u8], j: usize, flow: bool) -> bool {
    b.get(j) == Some(&b':')
        && match b.get(j + 1) {
            None => true,
            Some(&c) => is_blank(c) || c == b'\n' || flow && matches!(c, b',' | b']' | b'}'),
        }
}

/// Column of `i`; capped look-back, so long flow lines stay linear.
fn column(b: &[u8], i: usize) -> usize {
    let from = i.saturating_sub(256);
    i - b[from..i]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(from, |p| from + p + 1)
}

fn yaml(s: &mut Hl) {
    let b = s.b;
    let len = b.len();
    let mut flow = 0usize;
    // Column a block scalar's lines must be indented beyond, when inside one.
    let mut block_parent: Option<usize> = None;
    // Column of the node the current line is about (for block scalars).
    let mut node_col = 0usize;
    let mut at_node_start = true;
    while s.pos < len {
        let i = s.pos;
        if i == 0 || b[i - 1] == b'\n' {
            if let Some(parent) = block_parent.take() {
                let mut j = i;
                let mut last = i;
                while j < len {
                    let le = line_end(b, j);
                    let ind = skip_blanks(b, j);
                    let blank = ind >= le;
                    if !blank && ind - j <= parent {
                        break;
                    }
                    if !blank {
                        last = le;
                    }
                    j = le + 1;
                }
                if last > i {
                    s.span(i, last, STR);
                    s.pos = last;
                    continue;
                }
            }
            at_node_start = true;
            node_col = skip_blanks(b, i) - i;
            if flow == 0
                && (s.starts(i, b"---") || s.starts(i, b"..."))
                && (i + 3 >= len || is_blank(b[i + 3]) || b[i + 3] == b'\n')
            {
                s.token(i, i + 3, PUNCT);
                continue;
            }
            if flow == 0 && b[i] == b'%' {
                let e = s.line_end(i);
                s.token(i, e, KW);
                continue;
            }
        }
        let c = b[i];
        if c == b'\n' || is_blank(c) {
            s.pos += 1;
            continue;
        }
        let node_start = std::mem::replace(&mut at_node_start, false);
        let next_blank = i + 1 >= len || is_blank(b[i + 1]) || b[i + 1] == b'\n';
        match c {
            b'#' if i == 0 || is_blank(b[i - 1]) || b[i - 1] == b'\n' => {
                let e = s.line_end(i);
                s.token(i, e, CMT);
            }
            b'-' | b'?' if node_start && next_blank && flow == 0 => {
                node_col = column(b, i);
                at_node_start = true;
                s.token(i, i + 1, PUNCT);
            }
            b':' if next_blank || flow > 0 && yaml_colon(b, i, true) => {
                s.pos = i + 1;
            }
            b'"' | b'\'' => {
                let e = if c == b'"' {
                    quote_end(b, i, b'"', true, true, false)
                } else {
                    quote_end(b, i, b'\'', false, true, true)
                };
                let k = skip_blanks(b, e);
                let key = yaml_colon(b, k, flow > 0);
                if key {
                    node_col = column(b, i);
                }
                s.token(i, e, if key { ATTR } else { STR });
            }
            b'&' | b'*' | b'!' if !next_blank => {
                let mut e = i + 1;
                while e < len
                    && !(is_blank(b[e]) || b[e] == b'\n' || flow > 0 && b",[]{}".contains(&b[e]))
                {
                    e += 1;
                }
                s.token(i, e, if c == b'!' { TYPE } else { VAR });
                at_node_start = node_start;
            }
            b'|' | b'>' if flow == 0 => {
                let mut e = i + 1;
                while e < len && (b[e] == b'+' || b[e] == b'-' || b[e].is_ascii_digit()) {
                    e += 1;
                }
                let k = skip_blanks(b, e);
                if k >= len || b[k] == b'\n' || b[k] == b'#' && k > e {
                    block_parent = Some(node_col);
                    s.token(i, e, PUNCT);
                } else {
                    yaml_plain(s, flow, &mut node_col);
                }
            }
            b'{' if s.at(i + 1) == b'{' => {
                // A Go/Helm/Jinja template expression.
                let le = s.line_end(i);
                let e = b[i..le]
                    .windows(2)
                    .position(|w| w == b"}}")
                    .map_or(le, |p| i + p + 2);
                s.token(i, e, VAR);
            }
            b'[' | b'{' => {
                flow += 1;
                s.pos = i + 1;
            }
            b']' | b'}' => {
                flow = flow.saturating_sub(1);
                s.pos = i + 1;
            }
            b',' if flow > 0 => s.pos = i + 1,
            _ => yaml_plain(s, flow, &mut node_col),
        }
    }
}

/// A plain (unquoted) scalar at `s.pos`: a key when a `:` indicator follows.
fn yaml_plain(s: &mut Hl, flow: usize, node_col: &mut usize) {
    let b = s.b;
    let i = s.pos;
    let mut j = i;
    while j < b.len() {
        let c = b[j];
        if c == b'\n'
            || c == b'#' && j > i && is_blank(b[j - 1])
            || yaml_colon(b, j, flow > 0)
            || flow > 0 && b",[]{}".contains(&c)
        {
            break;
        }
        j += 1;
    }
    let mut e = j;
    while e > i && is_blank(b[e - 1]) {
        e -= 1;
    }
    if e == i {
        s.pos = s.char_end(i);
        return;
    }
    let class = if yaml_colon(b, j, flow > 0) {
        *node_col = column(b, i);
        ATTR
    } else {
        yaml_scalar_class(&s.src[i..e])
    };
    s.token(i, e, class);
}

// ---------------------------------------------------------------- JSON

fn json(s: &mut Hl) {
    let b = s.b;
    while s.pos < b.len() {
        let i = s.pos;
        let c = b[i];
        match c {
            b'"' | b'\'' => {
                let e = quote_end(b, i, c, true, false, false);
                let k = skip_ws(b, e);
                s.token(i, e, if s.at(k) == b':' { ATTR } else { STR });
            }
            b'/' if s.at(i + 1) == b'/' => {
                let e = s.line_end(i);
                s.token(i, e, CMT);
            }
            b'/' if s.at(i + 1) == b'*' => {
                let e = b[i + 2..]
                    .windows(2)
                    .position(|w| w == b"*/")
                    .map_or(b.len(), |p| i + 2 + p + 2);
                s.token(i, e, CMT);
            }
            b'-' | b'+' | b'.' | b'0'..=b'9'
                if c.is_ascii_digit() || s.at(i + 1).is_ascii_digit() =>
            {
                let start = if c.is_ascii_digit() { i } else { i + 1 };
                let e = number_end(b, start);
                s.token(i, e, NUM);
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let e = ident_run(b, i, b"$");
                let word = &s.src[i..e];
                let k = skip_ws(b, e);
                if s.at(k) == b':' {
                    s.token(i, e, ATTR);
                } else if matches!(word, "true" | "false" | "null" | "NaN" | "Infinity") {
                    s.token(i, e, LIT);
                } else {
                    s.pos = e;
                }
            }
            _ => s.pos = s.char_end(i),
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (is_blank(b[i]) || b[i] == b'\n') {
        i += 1;
    }
    i
}

// ---------------------------------------------------------------- TOML

fn toml(s: &mut Hl) {
    let b = s.b;
    // Open `[` (array) and `{` (inline table) brackets of the value.
    let mut stack: Vec<u8> = Vec::new();
    let mut key_pos = true;
    while s.pos < b.len() {
        let i = s.pos;
        let c = b[i];
        match c {
            b'\n' => {
                s.pos += 1;
                key_pos = stack.last() != Some(&b'[');
            }
            _ if is_blank(c) => s.pos += 1,
            b'#' => {
                let e = s.line_end(i);
                s.token(i, e, CMT);
            }
            b'[' if key_pos && stack.is_empty() => {
                let le = s.line_end(i);
                let mut j = i + 1;
                while j < le {
                    match b[j] {
                        b'"' | b'\'' => j = quote_end(b, j, b[j], b[j] == b'"', false, false),
                        b']' => {
                            j += 1;
                            if s.at(j) == b']' {
                                j += 1;
                            }
                            break;
                        }
                        _ => j += 1,
                    }
                }
                s.token(i, j.min(le), TYPE);
                key_pos = false;
            }
            _ if key_pos => {
                key_pos = false;
                if let Some(e) = toml_key_end(b, i) {
                    s.token(i, e, ATTR);
                }
            }
            b'"' | b'\'' => {
                let e = if s.at(i + 1) == c && s.at(i + 2) == c {
                    triple_end(b, i + 3, c, c == b'"')
                } else {
                    quote_end(b, i, c, c == b'"', false, false)
                };
                s.token(i, e, STR);
            }
            b'{' | b'[' => {
                stack.push(c);
                key_pos = c == b'{';
                s.pos = i + 1;
            }
            b'}' | b']' => {
                stack.pop();
                s.pos = i + 1;
            }
            b',' => {
                key_pos = stack.last() == Some(&b'{');
                s.pos = i + 1;
            }
            b'+' | b'-' | b'0'..=b'9' => {
                let mut e = i + 1;
                while e < b.len() && (b[e].is_ascii_alphanumeric() || b"_:.+-".contains(&b[e])) {
                    e += 1;
                }
                s.token(i, e, NUM);
            }
            _ if c.is_ascii_alphabetic() => {
                let e = ident_run(b, i, b"-");
                match &s.src[i..e] {
                    "true" | "false" => s.token(i, e, LIT),
                    "inf" | "nan" => s.token(i, e, NUM),
                    _ => s.pos = e,
                }
            }
            _ => s.pos = s.char_end(i),
        }
    }
}

/// End of a (dotted, possibly quoted) key at `i` when `=` follows it.
fn toml_key_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    loop {
        match b.get(j) {
            Some(b'"') => j = quote_end(b, j, b'"', true, false, false),
            Some(b'\'') => j = quote_end(b, j, b'\'', false, false, false),
            Some(&c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => {
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-')
                {
                    j += 1;
                }
            }
            _ => return None,
        }
        let end = j;
        j = skip_blanks(b, j);
        match b.get(j) {
            Some(b'.') => j = skip_blanks(b, j + 1),
            Some(b'=') => return Some(end),
            _ => return None,
        }
    }
}

// ---------------------------------------------------------------- diff

/// `@@ -a,b +c,d @@`: the old and new line counts of the hunk.
fn hunk_counts(line: &[u8]) -> Option<(u64, u64)> {
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.strip_prefix("@@ ")?.split(' ');
    let count = |r: &str| -> Option<u64> {
        match r.split_once(',') {
            Some((_, n)) => n.parse().ok(),
            None => r.parse::<u64>().ok().map(|_| 1),
        }
    };
    let old = count(parts.next()?.strip_prefix('-')?)?;
    let new = count(parts.next()?.strip_prefix('+')?)?;
    Some((old, new))
}

fn diff(s: &mut Hl) {
    let b = s.b;
    // Lines left in the current hunk (old, new), when its header parsed.
    let mut hunk: Option<(u64, u64)> = None;
    let mut prev_header = false;
    while s.pos < b.len() {
        let i = s.pos;
        let le = s.line_end(i);
        let line = &b[i..le];
        let first = line.first().copied().unwrap_or(b' ');
        let mut class = None;
        if let Some((old, new)) = hunk.as_mut() {
            match first {
                b'+' => {
                    *new = new.saturating_sub(1);
                    class = Some(INS);
                }
                b'-' => {
                    *old = old.saturating_sub(1);
                    class = Some(DEL);
                }
                b' ' | b'\r' => {
                    *old = old.saturating_sub(1);
                    *new = new.saturating_sub(1);
                }
                b'\\' => class = Some(CMT),
                _ => hunk = None,
            }
            if hunk.is_some_and(|(o, n)| o == 0 && n == 0) {
                hunk = None;
            }
        } else {
            hunk = None;
        }
        if class.is_none() && hunk.is_none() && first != b' ' {
            let next = &b[(le + 1).min(b.len())..];
            class = if line.starts_with(b"@@") {
                hunk = hunk_counts(line);
                Some(HUNK)
            } else if line.starts_with(b"--- ") && (next.starts_with(b"+++ ") || prev_header)
                || line.starts_with(b"+++ ") && prev_header
                || line.starts_with(b"*** ")
                || [
                    &b"diff "[..],
                    b"index ",
                    b"new file mode",
                    b"deleted file mode",
                    b"old mode",
                    b"new mode",
                    b"similarity index",
                    b"dissimilarity index",
                    b"rename from",
                    b"rename to",
                    b"copy from",
                    b"copy to",
                    b"Binary files",
                    b"Only in",
                ]
                .iter()
                .any(|p| line.starts_with(p))
            {
                Some(META)
            } else {
                match first {
                    b'+' | b'>' => Some(INS),
                    b'-' | b'<' => Some(DEL),
                    b'\\' => Some(CMT),
                    _ => None,
                }
            };
        }
        prev_header = class == Some(META);
        if let Some(class) = class {
            s.span(i, le, class);
        }
        s.pos = (le + 1).min(b.len()).max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl(lang: &str, code: &str) -> String {
        let mut out = String::new();
        assert!(highlight_into(&mut out, lang, code), "{lang} unsupported");
        check_roundtrip(code, &out);
        out
    }

    /// `out` is `code` escaped, with only balanced `<span class="hl-…">`
    /// tags added.
    fn check_roundtrip(code: &str, out: &str) {
        let mut text = String::new();
        let mut depth = 0i32;
        let mut rest = out;
        while let Some(p) = rest.find(['<', '&']) {
            text.push_str(&rest[..p]);
            rest = &rest[p..];
            if let Some(r) = rest.strip_prefix("</span>") {
                depth -= 1;
                assert!(depth >= 0, "unbalanced close in {out}");
                rest = r;
            } else if let Some(r) = rest.strip_prefix("<span class=\"hl-") {
                let q = r.find("\">").expect("tag end");
                let class = &r[..q];
                assert!(
                    !class.is_empty() && class.bytes().all(|c| c.is_ascii_lowercase()),
                    "bad class {class:?}"
                );
                depth += 1;
                rest = &r[q + 2..];
            } else {
                let (ent, ch) = [
                    ("&amp;", '&'),
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&quot;", '"'),
                    ("&#39;", '\''),
                ]
                .into_iter()
                .find(|(e, _)| rest.starts_with(e))
                .unwrap_or_else(|| panic!("raw markup in output: {rest:.40}"));
                text.push(ch);
                rest = &rest[ent.len()..];
            }
        }
        text.push_str(rest);
        assert_eq!(depth, 0, "unclosed span in {out}");
        assert!(!text.contains(['<', '>', '"']) || code.contains(['<', '>', '"']));
        assert_eq!(text, code, "text changed; output: {out}");
    }

    /// The text of every span of `class` in `out`, unescaped (innermost
    /// text only, good enough for assertions).
    fn spans(out: &str, class: &str) -> Vec<String> {
        let open = format!("<span class=\"{class}\">");
        let mut res = Vec::new();
        let mut rest = out;
        while let Some(p) = rest.find(&open) {
            rest = &rest[p + open.len()..];
            let mut depth = 1;
            let mut inner = String::new();
            let mut r = rest;
            while depth > 0 && !r.is_empty() {
                if let Some(x) = r.strip_prefix("</span>") {
                    depth -= 1;
                    r = x;
                } else if r.starts_with("<span") {
                    depth += 1;
                    r = &r[r.find('>').unwrap() + 1..];
                } else {
                    let ch = r.chars().next().unwrap();
                    inner.push(ch);
                    r = &r[ch.len_utf8()..];
                }
            }
            res.push(
                inner
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&"),
            );
        }
        res
    }

    fn has_span(out: &str, class: &str, text: &str) -> bool {
        spans(out, class).iter().any(|t| t == text)
    }

    #[track_caller]
    fn assert_spans(lang: &str, code: &str, expect: &[(&str, &str)]) {
        let out = hl(lang, code);
        for (class, text) in expect {
            assert!(
                has_span(&out, class, text),
                "{lang}: expected {class} {text:?} in\n{out}\n{class} spans: {:?}",
                spans(&out, class)
            );
        }
    }

    #[track_caller]
    fn assert_no_span(lang: &str, code: &str, class: &str, text: &str) {
        let out = hl(lang, code);
        assert!(
            !has_span(&out, class, text),
            "{lang}: unexpected {class} {text:?} in\n{out}"
        );
    }

    #[test]
    fn word_lists_are_sorted() {
        let mut lists: Vec<(&str, &Words)> = vec![
            ("shell keywords", &SHELL_KEYWORDS),
            ("shell prefix", &SHELL_PREFIX),
            ("shell declare", &SHELL_DECLARE),
            ("docker", &DOCKER_INSTRUCTIONS),
            ("js", &JS_KEYWORDS),
        ];
        for (name, spec) in [
            ("rust", &RUST),
            ("go", &GO),
            ("python", &PYTHON),
            ("ruby", &RUBY),
            ("js", &JAVASCRIPT),
            ("ts", &TYPESCRIPT),
            ("sql", &SQL),
            ("hcl", &HCL),
            ("promql", &PROMQL),
        ] {
            for list in [
                &spec.keywords,
                &spec.types,
                &spec.literals,
                &spec.builtins,
                &spec.fn_intro,
                &spec.type_intro,
            ] {
                lists.push((name, list));
                if spec.ignore_case {
                    assert!(
                        list.list.iter().all(|w| *w == w.to_ascii_lowercase()),
                        "{name}"
                    );
                }
            }
        }
        for (name, list) in lists {
            for w in list.list.windows(2) {
                assert!(w[0] < w[1], "{name}: {:?} before {:?}", w[0], w[1]);
            }
        }
    }

    #[test]
    fn aliases_and_unknown_languages() {
        for (alias, canon) in [
            ("sh", "shell"),
            ("bash", "shell"),
            ("shell", "shell"),
            ("console", "shell"),
            ("zsh", "shell"),
            ("yml", "yaml"),
            ("YAML", "yaml"),
            ("rb", "ruby"),
            ("py", "python"),
            ("python3", "python"),
            ("golang", "go"),
            ("rs", "rust"),
            ("patch", "diff"),
            ("postgresql", "sql"),
            ("jsonc", "json"),
            ("js", "javascript"),
            ("ts", "typescript"),
            ("Dockerfile", "dockerfile"),
            ("terraform", "hcl"),
            ("tf", "hcl"),
            ("promql", "promql"),
            ("toml", "toml"),
        ] {
            assert_eq!(canonical_lang(alias), Some(canon), "{alias}");
        }
        for unknown in [
            "",
            "text",
            "plaintext",
            "brainfuck",
            "yaml2",
            "a-very-long-language-name",
        ] {
            assert_eq!(canonical_lang(unknown), None, "{unknown}");
            let mut out = String::from("keep");
            assert!(!highlight_into(&mut out, unknown, "x < y"));
            assert_eq!(out, "keep");
        }
        // Aliases highlight like their canonical language.
        let (mut a, mut b) = (String::new(), String::new());
        assert!(highlight_into(&mut a, "yml", "a: 1\n"));
        assert!(highlight_into(&mut b, "yaml", "a: 1\n"));
        assert_eq!(a, b);
    }

    #[test]
    fn every_canonical_language_highlights() {
        let names = [
            "yaml",
            "shell",
            "sql",
            "ruby",
            "go",
            "python",
            "json",
            "toml",
            "rust",
            "diff",
            "javascript",
            "typescript",
            "dockerfile",
            "hcl",
            "promql",
        ];
        for name in names {
            assert_eq!(canonical_lang(name), Some(name));
            let sample = "x = \"<a & b>\" # 1\n";
            let out = hl(
                name,
                &format!("{}{sample}", if name == "diff" { "+" } else { "" }),
            );
            assert!(out.contains("&lt;a &amp; b&gt;"), "{name}: {out}");
            assert!(out.contains("<span"), "{name}: nothing highlighted: {out}");
        }
    }

    #[test]
    fn escapes_html_special_characters() {
        let out = hl("rust", "if a < b && c > \"d\" {}");
        assert!(out.contains("a &lt; b &amp;&amp; c &gt; "), "{out}");
        assert!(
            out.contains("<span class=\"hl-s\">&quot;d&quot;</span>"),
            "{out}"
        );
        assert!(!out.contains("< b"));
        let out = hl("yaml", "k: \"<script>alert('&')</script>\"\n");
        assert!(
            out.contains("&lt;script&gt;alert(&#39;&amp;&#39;)&lt;/script&gt;"),
            "{out}"
        );
        let out = hl("shell", "echo \"</code></pre>\" > /dev/null\n");
        assert!(out.contains("&lt;/code&gt;&lt;/pre&gt;"), "{out}");
        let out = hl("diff", "+<b>&amp;</b>\n");
        assert!(
            out.contains("<span class=\"hl-i\">+&lt;b&gt;&amp;amp;&lt;/b&gt;</span>"),
            "{out}"
        );
    }

    #[test]
    fn yaml() {
        let code = "---\n# top comment\nredis:\n  alert:\n    - name: object-19890\n      \
                    enabled: true\n      port: 6379\n      ratio: 0.5 # half\n      \
                    quoted: \"a: b\"\n      'single': 'it''s'\n      when: ~\n      \
                    anchor: &base {a: 1, b: [x, y]}\n      merge: *base\n      \
                    tag: !!str 123\n      url: http://example.com:8080/x#frag\n      \
                    image: \"{{ .Values.image }}\"\n      tpl: {{ .Values.tag }}\n";
        assert_spans(
            "yaml",
            code,
            &[
                ("hl-p", "---"),
                ("hl-c", "# top comment"),
                ("hl-a", "redis"),
                ("hl-a", "alert"),
                ("hl-p", "-"),
                ("hl-a", "name"),
                ("hl-s", "object-19890"),
                ("hl-l", "true"),
                ("hl-n", "6379"),
                ("hl-n", "0.5"),
                ("hl-c", "# half"),
                ("hl-s", "\"a: b\""),
                ("hl-a", "'single'"),
                ("hl-s", "'it''s'"),
                ("hl-l", "~"),
                ("hl-v", "&base"),
                ("hl-a", "a"),
                ("hl-s", "x"),
                ("hl-v", "*base"),
                ("hl-t", "!!str"),
                ("hl-s", "http://example.com:8080/x#frag"),
                ("hl-v", "{{ .Values.tag }}"),
            ],
        );
        // Versions and durations are strings, not numbers.
        assert_spans(
            "yaml",
            "v: 1.2.3\nt: 270s\n",
            &[("hl-s", "1.2.3"), ("hl-s", "270s")],
        );
    }

    #[test]
    fn yaml_block_scalars() {
        let code = "- script: |\n    echo hi: there\n    # not a comment\n\n    \
                    exit 1\n  other: x\nnext: >-\n  folded\nlast: 1\n";
        let out = hl("yaml", code);
        assert!(
            has_span(
                &out,
                "hl-s",
                "    echo hi: there\n    # not a comment\n\n    exit 1"
            ),
            "{out}"
        );
        assert!(has_span(&out, "hl-a", "other"), "{out}");
        assert!(has_span(&out, "hl-s", "  folded"), "{out}");
        assert!(has_span(&out, "hl-a", "last"), "{out}");
        assert!(!has_span(&out, "hl-c", "# not a comment"), "{out}");
    }

    #[test]
    fn shell() {
        let code = "# restart\nexport POOL_METRIC=2621\nsudo patronictl list | grep -c 'pool' \
                    >> /tmp/out 2>&1\nkubectl -n ops get pod \"$POD\" --output=json && \
                    echo ${HOME} $1 \\\n  done\nif [ -f x ]; then rm -rf \"$(pwd)/x\"; fi\n\
                    for h in a b; do ssh $h; done\nFOO=bar make -j4 # build\n\
                    echo foo#bar $(date +%s)\n";
        assert_spans(
            "shell",
            code,
            &[
                ("hl-c", "# restart"),
                ("hl-f", "export"),
                ("hl-v", "POOL_METRIC"),
                ("hl-f", "sudo"),
                ("hl-f", "patronictl"),
                ("hl-p", "|"),
                ("hl-f", "grep"),
                ("hl-a", "-c"),
                ("hl-s", "'pool'"),
                ("hl-p", ">>"),
                ("hl-n", "2"),
                ("hl-p", ">&"),
                ("hl-f", "kubectl"),
                ("hl-a", "-n"),
                ("hl-s", "\"$POD\""),
                ("hl-v", "$POD"),
                ("hl-a", "--output"),
                ("hl-p", "&&"),
                ("hl-v", "${HOME}"),
                ("hl-v", "$1"),
                ("hl-k", "if"),
                ("hl-k", "then"),
                ("hl-f", "rm"),
                ("hl-v", "$(pwd)"),
                ("hl-k", "fi"),
                ("hl-k", "for"),
                ("hl-v", "h"),
                ("hl-k", "in"),
                ("hl-k", "do"),
                ("hl-f", "ssh"),
                ("hl-k", "done"),
                ("hl-v", "FOO"),
                ("hl-f", "make"),
                ("hl-c", "# build"),
                ("hl-p", "$("),
                ("hl-f", "date"),
            ],
        );
        // `done` after a line continuation is an argument, `#` inside a word
        // is no comment.
        let out = hl("shell", code);
        assert_eq!(
            spans(&out, "hl-k").iter().filter(|k| *k == "done").count(),
            1,
            "{out}"
        );
        assert!(
            !spans(&out, "hl-c").iter().any(|c| c.contains("#bar")),
            "{out}"
        );
    }

    #[test]
    fn shell_heredoc_and_session() {
        let code = "cat <<-'EOF' > /etc/x.conf\n  listen $PORT\n\tEOF\necho done\n";
        assert_spans(
            "bash",
            code,
            &[
                ("hl-k", "<<-'EOF'"),
                ("hl-s", "  listen $PORT"),
                ("hl-k", "EOF"),
                ("hl-f", "echo"),
            ],
        );
        let session = "$ kubectl get pods\nNAME   READY\nweb-1  1/1\n$ echo \\\n  more\n";
        assert_spans(
            "console",
            session,
            &[
                ("hl-gp", "$"),
                ("hl-f", "kubectl"),
                ("hl-go", "NAME   READY"),
                ("hl-go", "web-1  1/1"),
                ("hl-f", "echo"),
            ],
        );
        assert_no_span("console", session, "hl-go", "  more");
        // Without prompts, a console block is a script.
        assert_spans("console", "ls -la\n", &[("hl-f", "ls")]);
    }

    #[test]
    fn ruby() {
        let code = "# frozen\nclass Foo < Bar\n  def enabled?(name = :x)\n    \
                    @count += 1\n    puts \"hi #{name} #{@x}\"\n    Feature.disable(:rollback_commit)\n    \
                    opts = { key: 'v', 'k' => nil }\n    x =~ /ab+c/i\n    %w[a b]\n    \
                    $stdout.sync = true\n    return MAX_RETRIES if x.empty?\n  end\nend\n\
                    =begin\ndoc\n=end\nsql = <<~SQL\n  SELECT 1\nSQL\n";
        assert_spans(
            "ruby",
            code,
            &[
                ("hl-c", "# frozen"),
                ("hl-k", "class"),
                ("hl-t", "Foo"),
                ("hl-t", "Bar"),
                ("hl-k", "def"),
                ("hl-f", "enabled?"),
                ("hl-l", ":x"),
                ("hl-v", "@count"),
                ("hl-n", "1"),
                ("hl-f", "puts"),
                ("hl-v", "#{name}"),
                ("hl-v", "#{@x}"),
                ("hl-t", "Feature"),
                ("hl-f", "disable"),
                ("hl-l", ":rollback_commit"),
                ("hl-l", "key:"),
                ("hl-s", "'v'"),
                ("hl-l", "nil"),
                ("hl-r", "/ab+c/i"),
                ("hl-s", "%w[a b]"),
                ("hl-v", "$stdout"),
                ("hl-l", "true"),
                ("hl-k", "return"),
                ("hl-l", "MAX_RETRIES"),
                ("hl-k", "end"),
                ("hl-c", "=begin\ndoc\n=end"),
                ("hl-k", "<<~SQL"),
                ("hl-s", "  SELECT 1"),
                ("hl-k", "SQL"),
            ],
        );
        let out = hl("ruby", "puts \"a #{b} c\"\n");
        assert!(
            out.contains(
                "<span class=\"hl-s\">&quot;a <span class=\"hl-v\">#{b}</span> c&quot;</span>"
            ),
            "{out}"
        );
        // Division is not a regex, `::` is not a symbol.
        assert_no_span("ruby", "a = b / c / d\nFoo::Bar\n", "hl-r", "/ c /");
        assert_no_span("ruby", "Foo::Bar\n", "hl-l", ":Bar");
    }

    #[test]
    fn python() {
        let code = "@app.route(\"/x\")\ndef handler(req: int) -> None:\n    \
                    \"\"\"Doc \"string\".\"\"\"\n    # comment\n    x = f'{req}' + r\"\\d\" + b'\\x00'\n    \
                    if x is not None and len(x) > 0x1F:\n        return True\n\nclass Pool(Base):\n    \
                    MAX = 1_000.5e-3\n";
        assert_spans(
            "python",
            code,
            &[
                ("hl-a", "@app.route"),
                ("hl-s", "\"/x\""),
                ("hl-k", "def"),
                ("hl-f", "handler"),
                ("hl-t", "int"),
                ("hl-l", "None"),
                ("hl-s", "\"\"\"Doc \"string\".\"\"\""),
                ("hl-c", "# comment"),
                ("hl-s", "f'{req}'"),
                ("hl-s", "r\"\\d\""),
                ("hl-s", "b'\\x00'"),
                ("hl-k", "is"),
                ("hl-k", "not"),
                ("hl-f", "len"),
                ("hl-n", "0x1F"),
                ("hl-l", "True"),
                ("hl-k", "class"),
                ("hl-t", "Pool"),
                ("hl-t", "Base"),
                ("hl-l", "MAX"),
                ("hl-n", "1_000.5e-3"),
            ],
        );
        // `@` as an operator is no decorator.
        assert_no_span("python", "c = a @ b\n", "hl-a", "@");
    }

    #[test]
    fn go() {
        let code = "package main\n\nimport \"fmt\"\n\n// Run runs.\nfunc (s *Server) Run(ctx \
                    context.Context) error {\n\tif s == nil { return nil }\n\tx := `raw\nstring`\n\t\
                    r := 'x'\n\tfmt.Println(len(x), 3.14, 0xFF)\n\t/* block */\n\treturn errors.New(\"x\")\n}\n\
                    type Config struct{}\n";
        assert_spans(
            "go",
            code,
            &[
                ("hl-k", "package"),
                ("hl-k", "import"),
                ("hl-s", "\"fmt\""),
                ("hl-c", "// Run runs."),
                ("hl-k", "func"),
                ("hl-f", "Run"),
                ("hl-t", "error"),
                ("hl-l", "nil"),
                ("hl-k", "return"),
                ("hl-s", "`raw\nstring`"),
                ("hl-s", "'x'"),
                ("hl-f", "Println"),
                ("hl-f", "len"),
                ("hl-n", "3.14"),
                ("hl-n", "0xFF"),
                ("hl-c", "/* block */"),
                ("hl-f", "New"),
                ("hl-k", "type"),
                ("hl-t", "Config"),
            ],
        );
        // A receiver is not the function name.
        assert_no_span("go", "func (s *Server) Run() {}\n", "hl-f", "s");
    }

    #[test]
    fn rust() {
        let code = "#[derive(Debug, Clone)]\npub struct Pool<'a> { name: &'a str }\n\
                    /// Doc.\nfn main() -> Result<(), Box<dyn Error>> {\n    let x = r#\"raw \"q\"\"#;\n    \
                    let c = '\\n'; let d = 'é';\n    println!(\"{x} {}\", 1u32 + 0x1f_u8 as u32);\n    \
                    /* outer /* nested */ still */\n    for i in 0..10 { let _ = i.max(2); }\n    \
                    const MAX: usize = 1_000;\n    Ok(())\n}\n";
        assert_spans(
            "rust",
            code,
            &[
                ("hl-a", "#[derive(Debug, Clone)]"),
                ("hl-k", "pub"),
                ("hl-k", "struct"),
                ("hl-t", "Pool"),
                ("hl-v", "'a"),
                ("hl-t", "str"),
                ("hl-c", "/// Doc."),
                ("hl-k", "fn"),
                ("hl-f", "main"),
                ("hl-t", "Result"),
                ("hl-k", "dyn"),
                ("hl-s", "r#\"raw \"q\"\"#"),
                ("hl-s", "'\\n'"),
                ("hl-s", "'é'"),
                ("hl-f", "println!"),
                ("hl-n", "1u32"),
                ("hl-n", "0x1f_u8"),
                ("hl-c", "/* outer /* nested */ still */"),
                ("hl-n", "0"),
                ("hl-n", "10"),
                ("hl-f", "max"),
                ("hl-l", "MAX"),
                ("hl-t", "usize"),
                ("hl-n", "1_000"),
                ("hl-t", "Ok"),
            ],
        );
    }

    #[test]
    fn sql() {
        let code = "-- recent\nSELECT id, count(*) AS n FROM \"users\" u\nWHERE u.name ILIKE 'o''brien' \
                    AND created_at > now() - interval '1 day' AND x = $1\nGROUP BY id LIMIT 10;\n\
                    /* c */ create table t (id bigint primary key, ok boolean default TRUE);\n\
                    CREATE FUNCTION f() RETURNS void AS $body$ SELECT 1; $body$ LANGUAGE sql;\n";
        assert_spans(
            "sql",
            code,
            &[
                ("hl-c", "-- recent"),
                ("hl-k", "SELECT"),
                ("hl-f", "count"),
                ("hl-k", "AS"),
                ("hl-k", "FROM"),
                ("hl-v", "\"users\""),
                ("hl-k", "ILIKE"),
                ("hl-s", "'o''brien'"),
                ("hl-f", "now"),
                ("hl-t", "interval"),
                ("hl-s", "'1 day'"),
                ("hl-v", "$1"),
                ("hl-n", "10"),
                ("hl-c", "/* c */"),
                ("hl-k", "create"),
                ("hl-t", "bigint"),
                ("hl-l", "TRUE"),
                ("hl-s", "$body$ SELECT 1; $body$"),
            ],
        );
    }

    #[test]
    fn json() {
        let code = "{\n  \"name\": \"web\",\n  \"replicas\": 3,\n  \"ratio\": -1.5e3,\n  \
                    \"on\": true,\n  \"none\": null,\n  \"list\": [\"a\", 2]\n}\n";
        assert_spans(
            "json",
            code,
            &[
                ("hl-a", "\"name\""),
                ("hl-s", "\"web\""),
                ("hl-n", "3"),
                ("hl-n", "-1.5e3"),
                ("hl-l", "true"),
                ("hl-l", "null"),
                ("hl-s", "\"a\""),
                ("hl-n", "2"),
            ],
        );
        assert_no_span("json", code, "hl-s", "\"name\"");
    }

    #[test]
    fn toml() {
        let code = "# config\n[package]\nname = \"opsbook\"\nversion.workspace = true\n\
                    \"quoted key\" = 'lit'\n[[bin]]\nports = [80, 443]\ninline = { a = 1, b.c = \"x\" }\n\
                    when = 1979-05-27T07:32:00Z\ndesc = \"\"\"\nmulti\n\"\"\"\n";
        assert_spans(
            "toml",
            code,
            &[
                ("hl-c", "# config"),
                ("hl-t", "[package]"),
                ("hl-a", "name"),
                ("hl-s", "\"opsbook\""),
                ("hl-a", "version.workspace"),
                ("hl-l", "true"),
                ("hl-a", "\"quoted key\""),
                ("hl-s", "'lit'"),
                ("hl-t", "[[bin]]"),
                ("hl-n", "443"),
                ("hl-a", "a"),
                ("hl-a", "b.c"),
                ("hl-n", "1979-05-27T07:32:00Z"),
                ("hl-s", "\"\"\"\nmulti\n\"\"\""),
            ],
        );
    }

    #[test]
    fn diff() {
        let code = "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@ fn main\n \
                    keep\n-old\n--- removed line that looks like a header\n+new\n+++ added\n\\ No newline at end of file\n";
        assert_spans(
            "diff",
            code,
            &[
                ("hl-m", "diff --git a/x b/x"),
                ("hl-m", "index 1..2 100644"),
                ("hl-m", "--- a/x"),
                ("hl-m", "+++ b/x"),
                ("hl-h", "@@ -1,3 +1,3 @@ fn main"),
                ("hl-d", "-old"),
                ("hl-d", "--- removed line that looks like a header"),
                ("hl-i", "+new"),
                ("hl-i", "+++ added"),
                ("hl-c", "\\ No newline at end of file"),
            ],
        );
        assert_no_span("diff", code, "hl-d", " keep");
        // Without a parsable header, prefixes decide.
        assert_spans("patch", "+a\n-b\n", &[("hl-i", "+a"), ("hl-d", "-b")]);
    }

    #[test]
    fn optional_languages() {
        assert_spans(
            "js",
            "// c\nconst re = /a\\/b/g; let s = `x ${y + 1} z`;\nfunction f(a) { return a / 2 }\n",
            &[
                ("hl-c", "// c"),
                ("hl-k", "const"),
                ("hl-r", "/a\\/b/g"),
                ("hl-v", "${y + 1}"),
                ("hl-k", "function"),
                ("hl-f", "f"),
            ],
        );
        assert_no_span("js", "x = a / 2 / b\n", "hl-r", "/ 2 /");
        assert_spans(
            "ts",
            "let n: number = 1;\ninterface Foo {}\n",
            &[("hl-t", "number"), ("hl-k", "interface"), ("hl-t", "Foo")],
        );
        assert_spans(
            "dockerfile",
            "# syntax=docker/dockerfile:1\nFROM golang:1.22 AS build\nENV CGO_ENABLED=0\n\
             RUN --mount=type=cache,target=/root/.cache \\\n    go build -o /app . && \\\n    \
             echo \"$HOME\"\nCMD [\"/app\", \"--serve\"]\n",
            &[
                ("hl-c", "# syntax=docker/dockerfile:1"),
                ("hl-k", "FROM"),
                ("hl-k", "AS"),
                ("hl-k", "ENV"),
                ("hl-v", "CGO_ENABLED"),
                ("hl-k", "RUN"),
                ("hl-a", "--mount"),
                ("hl-f", "go"),
                ("hl-a", "-o"),
                ("hl-f", "echo"),
                ("hl-v", "$HOME"),
                ("hl-k", "CMD"),
                ("hl-s", "\"/app\""),
            ],
        );
        assert_spans(
            "terraform",
            "resource \"aws_instance\" \"web\" {\n  ami = \"ami-${var.region}\"\n  count = 2\n  \
             tags = { Name = \"web\" }\n  # c\n  user_data = <<-EOT\n    echo hi\n  EOT\n}\n",
            &[
                ("hl-k", "resource"),
                ("hl-s", "\"aws_instance\""),
                ("hl-a", "ami"),
                ("hl-v", "${var.region}"),
                ("hl-a", "count"),
                ("hl-n", "2"),
                ("hl-a", "Name"),
                ("hl-c", "# c"),
                ("hl-k", "<<-EOT"),
                ("hl-s", "    echo hi"),
                ("hl-k", "EOT"),
            ],
        );
        assert_spans(
            "promql",
            "# error ratio\nsum by (job) (rate(http_requests_total{code=~\"5..\", job!=\"x\"}[5m])) \
             / ignoring(code) job:requests:rate5m > 0.05\n",
            &[
                ("hl-c", "# error ratio"),
                ("hl-f", "sum"),
                ("hl-k", "by"),
                ("hl-f", "rate"),
                ("hl-a", "code"),
                ("hl-s", "\"5..\""),
                ("hl-a", "job"),
                ("hl-n", "5m"),
                ("hl-k", "ignoring"),
                ("hl-n", "0.05"),
            ],
        );
    }

    #[test]
    fn unterminated_constructs_do_not_panic() {
        let cases: &[(&str, &[&str])] = &[
            (
                "yaml",
                &[
                    "a: \"open",
                    "a: 'open",
                    "- |",
                    "k: [1, {a: ",
                    "{{ x",
                    "a: &",
                    "!",
                ],
            ),
            (
                "shell",
                &[
                    "echo \"open",
                    "echo 'open",
                    "echo ${x",
                    "cat <<EOF",
                    "cat <<",
                    "echo $(",
                    "`",
                    "\\",
                    "x=\"$",
                    "$",
                ],
            ),
            (
                "ruby",
                &["\"#{", "%w[", "=begin", "x = <<~EOS", ":", "/re", "@", "$"],
            ),
            ("python", &["\"\"\"open", "'open", "@", "f\"", "r"]),
            ("go", &["`raw", "\"s", "/* c", "'"]),
            (
                "rust",
                &["r#\"raw", "b'", "'", "#[attr", "/* /* c */", "r#", "x!"],
            ),
            ("sql", &["'open", "$tag$ body", "/*", "\"id", "$"]),
            ("json", &["{\"a", "/*", "-", "1e"]),
            ("toml", &["[table", "a = \"\"\"", "k = '", "\"k", "a."]),
            ("diff", &["@@ -1", "@@ -1,2 +1,2 @@\n+", "---", "+++"]),
            ("js", &["`${", "/re", "'"]),
            ("dockerfile", &["RUN \\", "FROM", "CMD [\"x", "RUN --mount"]),
            ("hcl", &["x = <<EOT", "\"${", "a ="]),
            ("promql", &["{a=\"", "rate(x[5"]),
        ];
        for (lang, inputs) in cases {
            for input in *inputs {
                hl(lang, input);
                hl(lang, &format!("{input}\n"));
                hl(lang, &format!("{input}é€😀"));
            }
        }
    }

    #[test]
    fn non_ascii_and_crlf() {
        assert_spans(
            "yaml",
            "naïve: café\r\nclé: \"ü\"\r\n",
            &[
                ("hl-a", "naïve"),
                ("hl-s", "café"),
                ("hl-a", "clé"),
                ("hl-s", "\"ü\""),
            ],
        );
        assert_spans(
            "rust",
            "let café = \"😀\";\r\n",
            &[("hl-k", "let"), ("hl-s", "\"😀\"")],
        );
        assert_no_span("rust", "let café = 1;\n", "hl-k", "caf");
        assert_spans(
            "shell",
            "echo héllo # ça\r\n",
            &[("hl-f", "echo"), ("hl-c", "# ça\r")],
        );
        assert_spans(
            "diff",
            "@@ -1 +1 @@\r\n-a\r\n+é\r\n",
            &[("hl-d", "-a\r"), ("hl-i", "+é\r")],
        );
    }

    /// Look-aheads that are not consumed are bounded: nasty repeated
    /// patterns stay linear (a quadratic lexer would take minutes here).
    #[test]
    fn adversarial_input_stays_linear() {
        let langs = [
            "yaml",
            "console",
            "sql",
            "ruby",
            "python",
            "json",
            "toml",
            "rust",
            "diff",
            "js",
            "dockerfile",
            "hcl",
            "promql",
        ];
        let start = std::time::Instant::now();
        for pat in [
            "/[", "$a$ ", "{a: ", "\"", "#{", "<<A\n", "r#\"", "- ", "RUN \\\n", "'a ",
        ] {
            let code = pat.repeat(32 * 1024 / pat.len());
            for lang in langs {
                hl(lang, &code);
            }
        }
        assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    }

    /// Random inputs from a grammar-ish alphabet (quotes, brackets, escapes,
    /// multi-byte characters, CRLF): no panic, text preserved, spans
    /// balanced, for every language.
    #[test]
    fn fuzz_roundtrip() {
        const PIECES: &[&str] = &[
            "\"",
            "'",
            "`",
            "\\",
            "$",
            "${",
            "#{",
            "$(",
            "{{",
            "}}",
            "{",
            "}",
            "[",
            "]",
            "(",
            ")",
            "<<",
            "<<-",
            "<<~",
            "EOF",
            "\nEOF\n",
            "#",
            "//",
            "/*",
            "*/",
            "--",
            "-",
            "+",
            "@@",
            "@@ -1,2 +1 @@",
            ":",
            ": ",
            "::",
            "=",
            "|",
            "&",
            ";",
            "/",
            "%w[",
            "r#\"",
            "\"#",
            "'a",
            "\"\"\"",
            "'''",
            "0x",
            "1.5e",
            "42",
            " ",
            "\t",
            "\n",
            "\r\n",
            "é",
            "€",
            "😀",
            "\u{301}",
            "key",
            "RUN",
            "fn",
            "if",
            "end",
            "=begin",
            "\n=end",
            ">",
            "<",
            "&amp;",
            "---",
            "- ",
            "!",
            "*",
            "?",
            "0",
            "_",
            ".",
            ",",
            "\u{0}",
        ];
        let langs = [
            "yaml",
            "console",
            "sql",
            "ruby",
            "go",
            "python",
            "json",
            "toml",
            "rust",
            "diff",
            "js",
            "ts",
            "dockerfile",
            "hcl",
            "promql",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rand = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let n = rand(40);
            let code: String = (0..n).map(|_| PIECES[rand(PIECES.len())]).collect();
            for lang in langs {
                let mut out = String::new();
                assert!(highlight_into(&mut out, lang, &code));
                check_roundtrip(&code, &out);
            }
        }
    }
}
