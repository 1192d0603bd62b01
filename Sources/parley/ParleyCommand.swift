import ArgumentParser
import Foundation
import ParleyHTTP
import ParleySession
import ParleyShell

@main
struct ParleyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parley",
        abstract: "A chat shell for any OpenAI-compatible API.",
        discussion: """
            parley                 interactive shell (stdin and stdout are terminals)
            parley "PROMPT"        one shot: stream the reply to stdout, then exit
            cmd | parley "PROMPT"  one shot, with what cmd writes sent before the prompt
            parley "/COMMAND"      one shot: run a slash command (parley /chats), // for a slash message
            cmd | parley           script mode: each line is a message or a /command

            The endpoint, first found wins: --base-url; PARLEY_BASE_URL; OPENAI_BASE_URL (or OpenAI when only \
            OPENAI_API_KEY is set); Casola when CASOLA_API_KEY is set; the config file's profile \
            ($XDG_CONFIG_HOME/parley/config.toml, or PARLEY_CONFIG); the bundled local model at http://127.0.0.1:8077/v1. \
            The key: PARLEY_API_KEY (or the profile's api_key_env) to any endpoint; OPENAI_API_KEY only to \
            api.openai.com or OPENAI_BASE_URL; CASOLA_API_KEY only to api.casola.ai; otherwise none.
            """,
        version: Parley.version
    )

    @Argument(help: "A prompt to answer in one shot.")
    var prompt: [String] = []

    @Option(help: ArgumentHelp("The API's base URL, e.g. http://127.0.0.1:8077/v1.", valueName: "url"))
    var baseURL: String?

    @Option(name: [.short, .long], help: "The model to talk to.")
    var model: String?

    @Option(name: [.short, .long], help: "The system prompt.")
    var system: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Sampling temperature, 0 to 2.", valueName: "t"))
    var temperature: String?

    @Option(name: .customLong("top-p"), parsing: .unconditional, help: ArgumentHelp("Nucleus sampling, 0 to 1.", valueName: "p"))
    var topP: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("The most tokens a reply may have (a positive number, or auto).", valueName: "n"))
    var maxTokens: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Give up on a reply after this many silent seconds.", valueName: "seconds"))
    var idleTimeout = HTTPRequest.defaultIdleTimeout

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Wait at most this long for a busy or warming model (0: never wait).", valueName: "seconds"))
    var wait = RetryPolicy.defaultTotalWait

    @Option(help: ArgumentHelp("Where history and conversations are kept.", valueName: "dir"))
    var dataDir: String?

    @Flag(help: "Plain text: no colours or styles.")
    var noColor = false

    @Flag(name: [.short, .customLong("continue")], help: "Reopen the latest conversation.")
    var continueLatest = false

    @Option(help: ArgumentHelp("Reopen a conversation by its id (or the start of it) or its title.", valueName: "id|title"))
    var chat: String?

    @Option(help: ArgumentHelp("Append each turn, as it completes, to this Markdown file.", valueName: "file"))
    var transcript: String?

    @Option(help: ArgumentHelp("Use this profile of the config file (also PARLEY_PROFILE).", valueName: "name"))
    var profile: String?

    @Flag(
        name: .customLong("no-stdin"),
        help: "With a prompt, leave piped standard input unread (a loop that reads questions from it, a pipe that stays open).")
    var noStdin = false

    @Option(
        name: [.short, .customLong("file")],
        help: ArgumentHelp(
            "Attach a file or a web page to the first message: text, code, a PDF's text, an image (repeatable).",
            valueName: "path|url"))
    var file: [String] = []

    @Option(
        help: ArgumentHelp(
            "Keep conversations in this PostgreSQL database (postgres://...) or SQLite file (also PARLEY_STORE).", valueName: "url|path"))
    var store: String?

    @Option(
        name: .customLong("import"),
        help: ArgumentHelp("Bring conversations saved with /save FILE.json into the store, then exit (repeatable).", valueName: "file"))
    var importFiles: [String] = []

    @Option(help: ArgumentHelp("Copy every conversation of this SQLite store into the one in use (--store), then exit.", valueName: "path"))
    var importStore: String?

    @Option(help: ArgumentHelp("The most text a file, page, command or stdin may give, in MB (default 1; PDFs up to 20).", valueName: "mb"))
    var attachLimit: Double?

    @Flag(help: "Print the endpoint parley would use and where it came from, and which key goes to it and why; then exit.")
    var showEndpoint = false

    /// ArgumentParser's own `main`, with libcurl loaded on another thread meanwhile (see
    /// `Shell.preload`), and every way out waiting for that load to end first: exit handlers must not
    /// run while a library is still being set up.
    static func main() async {
        // The concurrency runtime first: it finds its functions and makes its threads, which would
        // wait on the dynamic loader while libcurl is being loaded.
        await Task.detached {}.value
        if !onlyPrints(CommandLine.arguments) { Shell.preload() }
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Shell.finishPreload()
            finish(with: error)
        }
        Shell.finishPreload()
    }

    /// Ends the process for `error`: the help and the version as swift-argument-parser prints them;
    /// an exit status already said as it is; any other fault as parley says every error, `error: `
    /// and the sentence (a command line's fault with its usage), exit 64.
    static func finish(with error: Error) -> Never {
        if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
        guard exitCode(for: error) != .success else { exit(withError: error) }
        var text = fullMessage(for: error)
        if text.hasPrefix("Error: ") { text = "error: " + text.dropFirst("Error: ".count) }
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
        Foundation.exit(exitCode(for: error).rawValue)
    }

    /// Says a fault in the way parley says every error, on stderr.
    static func say(_ sentence: String) {
        FileHandle.standardError.write(Data("error: \(sentence)\n".utf8))
    }

    /// Whether the command line asks only for text (the version, the help, the endpoint), so no
    /// request follows and libcurl need not be loaded. A miss costs nothing but the time: libcurl is
    /// loaded when the first request needs it.
    static func onlyPrints(_ arguments: [String]) -> Bool {
        arguments.dropFirst().prefix { $0 != "--" }.contains { ["--version", "--help", "-h", "--show-endpoint"].contains($0) }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        // Blocks of 1 MB and more are mapped on their own and given back when freed. glibc would
        // otherwise raise that threshold after the first such free, and a large message's copies,
        // freed, would stay in the process's memory for the rest of the run.
        if let mallopt = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            _ = unsafeBitCast(mallopt, to: (@convention(c) (Int32, Int32) -> Int32).self)(mmapThreshold, 1024 * 1024)
        }
        // No core dumps: they would hold the key and the conversation.
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &noCore)
        let environment = ProcessInfo.processInfo.environment
        // Every option is checked before anything is sent; a bad one is a usage error (exit 64).
        let configuration: ShellConfiguration
        do {
            configuration = try ShellConfiguration.resolve(options, environment: environment)
        } catch  where error.concernsTheCommandLine {
            throw ValidationError(error.description)
        } catch {
            // The config file's fault: said without the command line's usage, still exit 64.
            Self.say(error.description)
            throw ExitCode(64)
        }
        if showEndpoint {
            print("\(configuration.endpoint.shownURL) (\(configuration.endpoint.baseURLSource))")
            print(configuration.endpoint.keyLine)
            print(configuration.storeLine)
            return
        }
        if !importFiles.isEmpty || importStore != nil {
            let status = Importing.run(files: importFiles, storePath: importStore, configuration: configuration)
            if status != 0 { throw ExitCode(status) }
            return
        }
        let transcript: TranscriptFile?
        do {
            transcript = try Shell.openTranscript(configuration)
        } catch {
            Self.say("\(error.description) Nothing was sent.")
            throw ExitCode(64)
        }
        let shell: Shell
        do {
            shell = try await Shell(configuration: configuration, environment: environment, transcript: transcript)
        } catch {
            Self.say("\(error)")
            throw ExitCode(1)
        }
        let status = await shell.run()
        if status != 0 { throw ExitCode(status) }
    }

    var options: ShellOptions {
        var options = ShellOptions()
        options.baseURL = baseURL
        options.model = model
        options.system = system
        options.temperature = temperature
        options.topP = topP
        options.maxTokens = maxTokens
        options.idleTimeout = idleTimeout
        options.wait = wait
        options.dataDir = dataDir
        options.noColor = noColor
        options.continueLatest = continueLatest
        options.chat = chat
        options.transcript = transcript
        options.profile = profile
        options.readsStdin = !noStdin
        options.files = file
        options.attachLimit = attachLimit
        options.store = store
        if !prompt.isEmpty { options.prompt = prompt.joined(separator: " ") }
        return options
    }
}

/// glibc's `M_MMAP_THRESHOLD`, for `mallopt` (malloc.h, which Glibc's module map leaves out: the
/// function is found with dlsym and called as the C function it is).
private let mmapThreshold: Int32 = -3
