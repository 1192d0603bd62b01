import Foundation
import TestSupport
import XCTest

/// `make install`'s placing of files (scripts/install): the binary, the completion scripts and the
/// man page under PREFIX inside DESTDIR, and `make uninstall` taking them away. (The release build and
/// the man page's generation by swift-argument-parser's plugin are make's; here the debug binary
/// and a page of our own stand in.)
final class InstallTests: ParleyTestCase {
    let script = ParleyProcess.packageRoot.appendingPathComponent("scripts/install").path

    func install(_ arguments: [String], destination: URL) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        var environment = self.environment
        environment["PREFIX"] = "/usr/local"
        environment["DESTDIR"] = destination.path
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }

    func testInstallPlacesEachFileWhereItsShellLooksAndUninstallRemovesThem() throws {
        let destination = home.appendingPathComponent("package")
        let page = home.appendingPathComponent("parley.1")
        try ".Dt PARLEY 1\n".write(to: page, atomically: true, encoding: .utf8)
        let installed = try install([ParleyProcess.binary, page.path], destination: destination)
        XCTAssertEqual(installed.status, 0, installed.stderr)
        let root = destination.appendingPathComponent("usr/local")
        let expected: [(String, Int)] = [
            ("bin/parley", 0o755), ("share/bash-completion/completions/parley", 0o644), ("share/zsh/site-functions/_parley", 0o644),
            ("share/fish/vendor_completions.d/parley.fish", 0o644), ("share/man/man1/parley.1", 0o644),
        ]
        for (file, mode) in expected {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(file).path)
            XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, mode, file)
        }
        // The installed binary runs, and bash completes `--mo` to `--model` with the installed script.
        let bash = Process()
        bash.executableURL = URL(fileURLWithPath: "/bin/bash")
        bash.arguments = [
            "--norc", "--noprofile", "-c",
            "source \"$1\"; COMP_LINE='parley --mo'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(parley --mo); COMP_CWORD=1; "
                + "_parley parley --mo parley; echo \"${COMPREPLY[*]}\"",
            "bash", root.appendingPathComponent("share/bash-completion/completions/parley").path,
        ]
        let output = Pipe()
        bash.standardOutput = output
        try bash.run()
        bash.waitUntilExit()
        XCTAssertEqual(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self), "--model\n")
        let installedBinary = Process()
        installedBinary.executableURL = root.appendingPathComponent("bin/parley")
        installedBinary.arguments = ["--version"]
        installedBinary.standardOutput = FileHandle.nullDevice
        try installedBinary.run()
        installedBinary.waitUntilExit()
        XCTAssertEqual(installedBinary.terminationStatus, 0, "the installed binary runs")
        // Uninstall takes away what install put there, and nothing else.
        let other = root.appendingPathComponent("bin/other-tool")
        try "keep".write(to: other, atomically: true, encoding: .utf8)
        let removed = try install(["--uninstall"], destination: destination)
        XCTAssertEqual(removed.status, 0, removed.stderr)
        for (file, _) in expected {
            XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path), file)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: other.path))
    }

    func testInstallWithoutABuildSaysSo() throws {
        let result = try install([home.appendingPathComponent("no-binary").path, "x.1"], destination: home)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("is not an executable; build it first"), result.stderr)
    }
}
