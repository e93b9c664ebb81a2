// A pseudo-terminal driver: runs the real `tanfang` binary as a user's terminal would and times
// each key from the moment it is written to the moment the LAST byte of the answering frame is
// read, counting the bytes.
//
// How the end of a frame is known, without a marker in the app and without guessing a quiet gap:
// a frame has ended when (1) the key has been consumed (the slave's input queue is empty),
// (2) every byte the app wrote has been read (the master's queue is empty), and (3) the app's main
// thread is blocked waiting for the next key (/proc/PID/syscall shows poll/select/read on the
// terminal). The time recorded is that of the read that returned the last byte, so polling
// /proc costs nothing in the figure. A key that draws nothing (or Esc, whose meaning ncurses only
// knows after its 25 ms escape delay, during which the app already waits in poll) is only
// declared done after a byte has arrived or `quietLimit` has passed.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct KeyResult {
    /// Milliseconds from writing the key to reading the frame's last byte (0 when nothing came).
    var ms: Double
    var bytes: Int
    /// The frame as text (for sanity checks on what was drawn).
    var text: String
}

enum PTYError: Error, CustomStringConvertible {
    case system(String)
    case timeout(String)
    case exited(String)
    var description: String {
        switch self {
        case .system(let s): "pty: \(s)"
        case .timeout(let s): "pty: timeout: \(s)"
        case .exited(let s): "pty: tanfang exited: \(s)"
        }
    }
}

final class PTYSession {
    let pid: pid_t
    private let master: Int32
    /// The parent's own handle on the slave, only to ask how much input the app has not read yet.
    private let slave: Int32
    /// Bytes that arrived while no key was being measured (clock ticks), reported apart.
    private(set) var unsolicitedBytes = 0
    var quietLimit: Double = 300
    var timeoutMs: Double = 120_000

    init(binary: String, arguments: [String], environment: [String: String], columns: Int, rows: Int) throws {
        // posix_openpt and friends are not visible through Glibc: the Linux ioctls they wrap.
        let m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard m >= 0, ioctl(m, Self.TIOCSPTLCK, &unlock) == 0, ioctl(m, Self.TIOCGPTN, &number) == 0 else {
            throw PTYError.system("/dev/ptmx: \(String(cString: strerror(errno)))")
        }
        let slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(m, UInt(TIOCSWINSZ), &size) == 0 else { throw PTYError.system("TIOCSWINSZ") }
        let s = open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard s >= 0 else { throw PTYError.system("open \(slavePath)") }
        master = m
        slave = s

        // The child: a new session whose controlling terminal is the slave (opened after setsid).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, Self.POSIX_SPAWN_SETSID)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        let args = [binary] + arguments
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for e in envp { free(e) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, binary, &actions, &attr, &argv, &envp)
        guard rc == 0 else { throw PTYError.system("posix_spawn \(binary): \(String(cString: strerror(rc)))") }
        pid = child
    }

    deinit {
        // A session abandoned on an error must not leave its tanfang running.
        if isAlive() {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
        close(slave)
    }

    // <asm-generic/ioctls.h> and <spawn.h> (glibc ≥ 2.26) values, not imported into Swift.
    static let TIOCSPTLCK: UInt = 0x4004_5431
    static let TIOCGPTN: UInt = 0x8004_5430
    static let POSIX_SPAWN_SETSID: Int16 = 0x80

    static func nowMs() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1_000_000 }

    /// Bytes waiting in a terminal queue (FIONREAD).
    private func queued(_ fd: Int32) -> Int {
        var n: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &n) == 0 ? Int(n) : 0
    }

    /// Whether the app's main thread is blocked waiting for input (poll, select, read on fd 0).
    func waitingForKey() -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/syscall", encoding: .utf8) else { return false }
        let parts = text.split(separator: " ")
        guard let nr = parts.first.flatMap({ Int($0) }) else { return false }  // "running"
        switch nr {
        case 7, 23, 270, 271: return true  // poll, select, pselect6, ppoll
        case 0: return parts.count > 1 && parts[1] == "0x0"  // read(0, …)
        default: return false
        }
    }

    func isAlive() -> Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Reads what is available within `waitMs`; returns the byte count (0 on timeout).
    private func readSome(into buffer: inout [UInt8], waitMs: Int32) -> Int {
        var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let r = poll(&fds, 1, waitMs)
        guard r > 0 else { return 0 }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = read(master, &chunk, chunk.count)
        guard n > 0 else { return -1 }
        buffer.append(contentsOf: chunk[0..<n])
        return n
    }

    /// Writes `key` and waits for the end of the frame it causes.
    func press(_ key: [UInt8], label: String) throws -> KeyResult {
        var before: [UInt8] = []
        // Anything already drawn (a clock tick) is not this key's.
        while readSome(into: &before, waitMs: 0) > 0 {}
        unsolicitedBytes += before.count
        let t0 = Self.nowMs()
        let written = key.withUnsafeBytes { write(master, $0.baseAddress, key.count) }
        guard written == key.count else { throw PTYError.system("write") }
        return try awaitFrame(since: t0, label: label)
    }

    /// Waits for the first frame after the process started at `t0`.
    func awaitFrame(since t0: Double, label: String) throws -> KeyResult {
        var out: [UInt8] = []
        var last = t0
        while true {
            let n = readSome(into: &out, waitMs: 2)
            if n > 0 {
                last = Self.nowMs()
                continue
            }
            if n < 0 { throw PTYError.exited("\(label): \(String(decoding: out.suffix(400), as: UTF8.self))") }
            let now = Self.nowMs()
            if queued(slave) == 0, queued(master) == 0, waitingForKey(), !out.isEmpty || now - t0 > quietLimit {
                return KeyResult(ms: out.isEmpty ? 0 : last - t0, bytes: out.count,
                                 text: String(decoding: out, as: UTF8.self))
            }
            if now - t0 > timeoutMs { throw PTYError.timeout("\(label) after \(Int(now - t0)) ms") }
            if !isAlive() { throw PTYError.exited(label) }
        }
    }

    /// `VmHWM` of the app, in MiB.
    func peakRSSMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").compactMap { Double($0) }.first.map { $0 / 1024 }
        }
        return nil
    }

    /// Sends `key` (Ctrl-Q) and waits for the process to exit; kills it after `graceMs`.
    func quit(_ key: [UInt8], graceMs: Double = 5_000) -> Int32? {
        _ = key.withUnsafeBytes { write(master, $0.baseAddress, key.count) }
        let t0 = Self.nowMs()
        var sink: [UInt8] = []
        var status: Int32 = 0
        while Self.nowMs() - t0 < graceMs {
            _ = readSome(into: &sink, waitMs: 5)
            sink.removeAll(keepingCapacity: true)
            if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xff }
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return nil
    }
}

/// Key sequences as an xterm sends them in keypad-transmit mode (ncurses' `smkx`), TERM=xterm-256color.
enum Keys {
    static func text(_ s: String) -> [UInt8] { Array(s.utf8) }
    static let enter: [UInt8] = [13]
    static let tab: [UInt8] = [9]
    static let backTab = text("\u{1b}[Z")
    static let escape: [UInt8] = [27]
    static let backspace: [UInt8] = [127]
    static let up = text("\u{1b}OA")
    static let down = text("\u{1b}OB")
    static let pageDown = text("\u{1b}[6~")
    static func f(_ n: Int) -> [UInt8] {
        switch n {
        case 1: text("\u{1b}OP")
        case 2: text("\u{1b}OQ")
        case 3: text("\u{1b}OR")
        case 4: text("\u{1b}OS")
        case 5: text("\u{1b}[15~")
        case 6: text("\u{1b}[17~")
        case 10: text("\u{1b}[21~")
        default: []
        }
    }
    static func ctrl(_ c: Character) -> [UInt8] { [UInt8(c.asciiValue! & 0x1f)] }
}
