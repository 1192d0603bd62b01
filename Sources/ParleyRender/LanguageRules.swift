/// What the highlighter knows of a language: its keywords and built-in types or constants, how its
/// comments and strings open and close, and a few habits (types are capitalised, `$` starts a
/// variable, keys end with `:`, markup's tags). Tables, not grammars: enough to colour what a reply's
/// code block shows, streamed a character at a time.
public struct LanguageRules: Sendable {
    public enum Token: Sendable, Equatable {
        case lineComment
        case blockComment(closer: String)
        case string(closer: String, multiline: Bool, escapes: Bool)
    }

    public struct Opener: Sendable, Equatable {
        var text: String
        var token: Token
    }

    var keywords: Set<String> = []
    /// Built-in types and constants (`int`, `None`, `true`).
    var types: Set<String> = []
    var openers: [Opener] = []
    var caseInsensitive = false
    /// A capitalised word is a type (Swift, Rust, Go's exported names read well so too).
    var capitalizedTypes = false
    /// Characters a word may hold besides letters, digits and `_` (`-` in shell and YAML).
    var wordCharacters: Set<Character> = []
    /// Characters a word may start with besides letters and `_` (`$` in shell, `@` decorators, `#` C's directives).
    var wordStarts: Set<Character> = []
    /// A word before `:` is a key (YAML).
    var keysBeforeColon = false
    /// A word before `!` is a macro (Rust).
    var macros = false
    /// A line comment opens only at a line's start or after white space (`#` in shell and YAML).
    var commentNeedsSpace = false
    /// Tags, attributes, and strings only inside tags (HTML, XML).
    var markup = false
    /// Lines coloured by their first character (diff).
    var diff = false

    /// The rules for a fence's language tag (`py`, `python`, `sh`...), or nil for one parley does not colour.
    public static func forTag(_ tag: String) -> LanguageRules? {
        let name = tag.lowercased().split(separator: " ").first.map(String.init) ?? ""
        switch name {
        case "python", "py", "python3": return python
        case "javascript", "js", "jsx", "mjs", "node": return javascript
        case "typescript", "ts", "tsx": return typescript
        case "json", "jsonc": return json
        case "bash", "sh", "zsh", "shell", "console", "shell-session": return shell
        case "swift": return swift
        case "c", "h": return c
        case "cpp", "c++", "cc", "cxx", "hpp": return cpp
        case "go", "golang": return go
        case "rust", "rs": return rust
        case "sql", "postgresql", "sqlite", "mysql": return sql
        case "yaml", "yml": return yaml
        case "html", "xml", "svg", "xhtml", "htm": return markupRules
        case "diff", "patch": return LanguageRules(diff: true)
        default: return nil
        }
    }

    static let slashComments = [
        Opener(text: "//", token: .lineComment), Opener(text: "/*", token: .blockComment(closer: "*/")),
    ]
    static func quoted(_ quotes: String..., multiline: Bool = false, escapes: Bool = true) -> [Opener] {
        quotes.map { Opener(text: $0, token: .string(closer: $0, multiline: multiline, escapes: escapes)) }
    }
    static func words(_ text: String) -> Set<String> { Set(text.split(separator: " ").map(String.init)) }

    static let python = LanguageRules(
        keywords: words(
            "and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case"
        ),
        types: words("None True False self cls int str float bool list dict set tuple bytes object type len print range Exception"),
        openers: [Opener(text: "#", token: .lineComment)] + quoted("\"\"\"", "'''", multiline: true) + quoted("\"", "'"),
        wordStarts: ["@"])

    static let javascriptKeywords =
        "async await break case catch class const continue debugger default delete do else export extends finally for from function if import in instanceof let new of return static super switch this throw try typeof var void while with yield"
    static let javascript = LanguageRules(
        keywords: words(javascriptKeywords),
        types: words("true false null undefined NaN Infinity console Promise Array Object String Number JSON Math"),
        openers: slashComments + quoted("`", multiline: true) + quoted("\"", "'"), wordCharacters: ["$"], wordStarts: ["$", "@"])

    static let typescript = LanguageRules(
        keywords: words(
            javascriptKeywords
                + " interface type enum implements namespace declare readonly private public protected abstract as keyof satisfies"),
        types: words("true false null undefined string number boolean any unknown never void object bigint symbol Promise Array Record"),
        openers: slashComments + quoted("`", multiline: true) + quoted("\"", "'"), capitalizedTypes: true, wordCharacters: ["$"],
        wordStarts: ["$", "@"])

    static let json = LanguageRules(types: words("true false null"), openers: quoted("\""))

    static let shell = LanguageRules(
        keywords: words(
            "if then else elif fi for while until do done case esac in function return local export readonly declare unset shift exit break continue source alias set trap eval exec"
        ),
        types: words("echo printf cd test read true false"),
        openers: [Opener(text: "#", token: .lineComment)] + quoted("\"") + quoted("'", escapes: false),
        wordCharacters: ["-"], wordStarts: ["$"], commentNeedsSpace: true)

    static let swift = LanguageRules(
        keywords: words(
            "associatedtype class deinit enum extension fileprivate func import init inout internal let open operator private protocol public rethrows static struct subscript typealias var break case continue default defer do else fallthrough for guard if in repeat return switch where while as catch is nil super self Self throw throws try async await actor some any mutating nonisolated"
        ),
        types: words("true false Int Double String Bool Character Array Dictionary Set Optional Void"),
        openers: slashComments + quoted("\"\"\"", multiline: true) + quoted("\""), capitalizedTypes: true, wordStarts: ["@", "#"])

    static let cKeywords =
        "auto break case const continue default do else enum extern for goto if inline register restrict return sizeof static struct switch typedef union volatile while"
    static let cTypes = "int char short long float double void signed unsigned bool size_t NULL true false FILE uint8_t uint32_t int64_t"
    static let c = LanguageRules(
        keywords: words(cKeywords), types: words(cTypes), openers: slashComments + quoted("\"", "'"), wordStarts: ["#"])
    static let cpp = LanguageRules(
        keywords: words(
            cKeywords
                + " class namespace template typename public private protected virtual override new delete this using try catch throw operator friend constexpr noexcept nullptr auto"
        ),
        types: words(cTypes + " std string vector map unique_ptr shared_ptr"), openers: slashComments + quoted("\"", "'"), wordStarts: ["#"]
    )

    static let go = LanguageRules(
        keywords: words(
            "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var"
        ),
        types: words("true false nil iota int int64 int32 uint uint8 byte rune string bool float64 float32 error any make new len append"),
        openers: slashComments + quoted("`", multiline: true, escapes: false) + quoted("\"", "'"), capitalizedTypes: true)

    static let rust = LanguageRules(
        keywords: words(
            "as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait type unsafe use where while"
        ),
        types: words(
            "true false i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String Vec Option Some None Result Ok Err Box"
        ),
        openers: slashComments + quoted("\""), capitalizedTypes: true, wordStarts: ["#"], macros: true)

    static let sql = LanguageRules(
        keywords: words(
            "select from where and or not insert into values update set delete create table index view drop alter add primary key foreign references join left right inner outer full on group by order having limit offset as distinct union all case when then else end is null like in exists begin commit rollback returning with default unique check constraint"
        ),
        types: words("integer int bigint text varchar char boolean real double numeric date timestamp true false serial blob"),
        openers: [Opener(text: "--", token: .lineComment), Opener(text: "/*", token: .blockComment(closer: "*/"))]
            + quoted("'", escapes: false),
        caseInsensitive: true)

    static let yaml = LanguageRules(
        types: words("true false null yes no on off ~"),
        openers: [Opener(text: "#", token: .lineComment)] + quoted("\"") + quoted("'", escapes: false),
        wordCharacters: ["-", "."], keysBeforeColon: true, commentNeedsSpace: true)

    static let markupRules = LanguageRules(
        openers: [Opener(text: "<!--", token: .blockComment(closer: "-->"))] + quoted("\"", "'", escapes: false),
        wordCharacters: ["-", ":", "."],
        markup: true)
}
