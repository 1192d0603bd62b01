import CHTML
import Foundation

/// A web page as readable text: its title, headings, paragraphs, lists, tables and preformatted
/// blocks, links as their text with the address after it; scripts, styles, navigation and forms
/// left out. libxml2's HTML parser reads the page (it recovers from the broken HTML real pages have);
/// this walks its tree.
public enum HTMLText {
    public struct Page: Equatable, Sendable {
        public var title: String?
        /// Markdown-like: `# ` headings, `- ` list items, `| ` table rows, fenced preformatted text.
        public var text: String
    }

    /// Whether libxml2 can be opened (package libxml2).
    public static var isAvailable: Bool { parley_html_available() != 0 }

    /// The page's readable text; nil when libxml2 cannot be opened or the bytes hold no document.
    /// `charset` is the one the server named (the page's own `<meta charset>` otherwise).
    public static func readable(_ bytes: [UInt8], charset: String? = nil) -> Page? {
        let document: UnsafeMutableRawPointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                if let charset { return parley_html_parse(chars.baseAddress, chars.count, charset) }
                return parley_html_parse(chars.baseAddress, chars.count, nil)
            }
        }
        guard let document else { return nil }
        defer { parley_html_free(document) }
        var walker = PageWalker()
        var node = parley_html_first(document)
        while let current = node {
            walker.visit(current)
            node = parley_html_next(current)
        }
        return walker.page()
    }
}

/// Walks the tree into blocks of text.
struct PageWalker {
    var out = TextBlocks()
    var title: String?
    var listDepth = 0

    static let skipped: Set<String> = [
        "script", "style", "noscript", "nav", "aside", "footer", "form", "button", "select", "svg", "template", "iframe",
        "canvas", "object", "embed", "menu", "dialog", "head",
    ]
    static let blocks: Set<String> = [
        "p", "div", "section", "article", "main", "header", "blockquote", "figure", "figcaption", "address", "dl", "dt",
        "dd", "center", "details", "summary", "caption", "body", "html", "hgroup", "fieldset", "legend",
    ]

    mutating func page() -> HTMLText.Page {
        out.endBlock()
        var blocks = out.blocks
        if let title, !title.isEmpty, blocks.first?.text != "# " + title {
            blocks.insert(TextBlocks.Block(text: "# " + title, tight: false), at: 0)
        }
        var text = ""
        for (index, block) in blocks.enumerated() {
            if index > 0 { text += block.tight ? "\n" : "\n\n" }
            text += block.text
        }
        return HTMLText.Page(title: title, text: text)
    }

    mutating func visit(_ node: UnsafeRawPointer) {
        if let text = parley_html_text(node) {
            out.inline(String(cString: text))
            return
        }
        guard let cName = parley_html_name(node) else { return }
        let name = String(cString: cName)
        switch name {
        case "head":
            // Only its title is read.
            if title == nil, let found = Self.first("title", in: node) { title = TextBlocks.collapsed(Self.allText(found)) }
        case _ where Self.skipped.contains(name):
            return
        case "title":
            if title == nil { title = TextBlocks.collapsed(Self.allText(node)) }
        case "h1", "h2", "h3", "h4", "h5", "h6":
            out.endBlock()
            out.prefix = String(repeating: "#", count: Int(String(name.last!))!) + " "
            children(of: node)
            out.endBlock()
        case "ul", "ol":
            out.endBlock()
            listDepth += 1
            var number = 0
            var child = parley_html_child(node)
            while let item = child {
                if let itemName = parley_html_name(item), String(cString: itemName) == "li" {
                    number += 1
                    out.endBlock()
                    let indent = String(repeating: "  ", count: listDepth - 1)
                    out.prefix = indent + (name == "ol" ? "\(number). " : "- ")
                    out.tight = number > 1 || listDepth > 1
                    children(of: item)
                    out.endBlock()
                } else {
                    visit(item)
                }
                child = parley_html_next(item)
            }
            listDepth -= 1
        case "table":
            out.endBlock()
            table(node)
        case "pre":
            out.endBlock()
            var code = Self.allText(node)
            while code.hasSuffix("\n") { code.removeLast() }
            out.add(TextBlocks.Block(text: "```\n" + code + "\n```", tight: false))
        case "br":
            out.lineBreak()
        case "a":
            let before = out.line.count
            children(of: node)
            let shown = TextBlocks.collapsed(String(out.line.dropFirst(before)))
            if let href = parley_html_attribute(node, "href").map({ String(cString: $0) }),
                href.hasPrefix("http://") || href.hasPrefix("https://"), !shown.isEmpty, shown != href
            {
                out.inline(" (" + href + ")")
            }
        case _ where Self.blocks.contains(name):
            out.endBlock()
            children(of: node)
            out.endBlock()
        default:
            children(of: node)
        }
    }

    mutating func children(of node: UnsafeRawPointer) {
        var child = parley_html_child(node)
        while let current = child {
            visit(current)
            child = parley_html_next(current)
        }
    }

    /// Each row as `| a | b |`; a rule under a first row of header cells.
    mutating func table(_ node: UnsafeRawPointer) {
        var rows: [(cells: [String], header: Bool)] = []
        Self.each("tr", in: node) { row in
            var cells: [String] = []
            var header = true
            var cell = parley_html_child(row)
            while let current = cell {
                if let cName = parley_html_name(current), ["td", "th"].contains(String(cString: cName)) {
                    header = header && String(cString: cName) == "th"
                    var inner = PageWalker()
                    inner.children(of: current)
                    inner.out.endBlock()
                    cells.append(inner.out.blocks.map(\.text).joined(separator: " ").replacingOccurrences(of: "|", with: "\\|"))
                }
                cell = parley_html_next(current)
            }
            if !cells.isEmpty { rows.append((cells, header)) }
        }
        for (index, row) in rows.enumerated() {
            out.add(TextBlocks.Block(text: "| " + row.cells.joined(separator: " | ") + " |", tight: index > 0))
            if index == 0, row.header {
                out.add(TextBlocks.Block(text: "|" + String(repeating: " --- |", count: row.cells.count), tight: true))
            }
        }
    }

    /// Calls `body` for each element named `name` under `node` (not inside another such element).
    static func each(_ name: String, in node: UnsafeRawPointer, _ body: (UnsafeRawPointer) -> Void) {
        var child = parley_html_child(node)
        while let current = child {
            if let cName = parley_html_name(current) {
                if String(cString: cName) == name { body(current) } else { each(name, in: current, body) }
            }
            child = parley_html_next(current)
        }
    }

    static func first(_ name: String, in node: UnsafeRawPointer) -> UnsafeRawPointer? {
        var found: UnsafeRawPointer?
        each(name, in: node) { if found == nil { found = $0 } }
        return found
    }

    /// Every text under `node`, as it is (preformatted text keeps its spaces and lines).
    static func allText(_ node: UnsafeRawPointer) -> String {
        if let text = parley_html_text(node) { return String(cString: text) }
        var result = ""
        var child = parley_html_child(node)
        while let current = child {
            result += allText(current)
            child = parley_html_next(current)
        }
        return result
    }
}

/// Text gathered into blocks: white space collapsed inside a block, as a browser shows it.
struct TextBlocks {
    struct Block: Equatable {
        var text: String
        /// Joined to the block before by a line break rather than a blank line (list items, table rows).
        var tight: Bool
    }

    var blocks: [Block] = []
    var line = ""
    /// Put before the next block's text (a heading's `#`, a list item's marker).
    var prefix = ""
    var tight = false
    private var pendingSpace = false

    mutating func inline(_ text: String) {
        for character in text {
            if character.isWhitespace {
                pendingSpace = true
                continue
            }
            if pendingSpace, !line.isEmpty, !line.hasSuffix("\n") { line.append(" ") }
            pendingSpace = false
            line.append(character)
        }
    }

    mutating func lineBreak() {
        line.append("\n")
        pendingSpace = false
    }

    mutating func endBlock() {
        let text = line.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingWhitespace() }.joined(separator: "\n").trimmingNewlines()
        if !text.isEmpty { add(Block(text: prefix + text, tight: tight)) }
        line = ""
        prefix = ""
        tight = false
        pendingSpace = false
    }

    mutating func add(_ block: Block) { blocks.append(block) }

    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    func trimmingNewlines() -> String {
        String(drop(while: \.isNewline).reversed().drop(while: \.isNewline).reversed())
    }
}
