// A persistent Java "kernel" for the local AgentBay-compatible server: one JShell per session
// evaluates every Java snippet run_code receives, so later calls see earlier variables, methods
// and imports, as the real service keeps Java state between calls (SDK code-execution.md).
//
// usage: java JShellKernel.java 4<requests 3>control </dev/null   (fd 3 and 4: pipes)
//
// Each request is one line: CELL_FILE <TAB> RESULT_FILE <TAB> MARKER <TAB> CLEAR_MARKER. The
// cell is split into snippets as jshell splits its input; each is evaluated in turn (in this
// JVM, so System.out is the kernel's stdout) and the first one rejected by the compiler or
// throwing stops the cell. When the cell ends the kernel writes MARKER to stdout and stderr,
// then {"done":true} on fd 3.

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

public class JShellKernel {
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(out);
        System.setErr(err);
        PrintStream control = new PrintStream(new FileOutputStream("/dev/fd/3"), true, StandardCharsets.UTF_8);
        BufferedReader requests = new BufferedReader(
                new InputStreamReader(new FileInputStream("/dev/fd/4"), StandardCharsets.UTF_8));
        JShell shell = JShell.builder().executionEngine("local").out(out).err(err).build();
        String line;
        while ((line = requests.readLine()) != null) {
            String[] fields = line.split("\t", -1);
            control.println("{\"started\":true}");
            String error = runCell(shell, Files.readString(Path.of(fields[0])));
            if (error != null) {
                err.println(error);
                Files.writeString(Path.of(fields[1]),
                        "{\"kind\":\"error\",\"message\":" + json(error.lines().findFirst().orElse(error)) + "}\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.flush();
            err.flush();
            out.print(fields[2]);
            err.print(fields[2]);
            out.flush();
            err.flush();
            control.println("{\"done\":true}");
        }
    }

    /** Evaluates the cell's snippets in order; answers the error text, or null. */
    static String runCell(JShell shell, String source) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = source;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            String snippet = info.source();
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) break;
            if (snippet == null || info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE) {
                // The compiler says what is missing, as jshell does at the end of its input.
                snippet = remaining;
                remaining = "";
            } else {
                remaining = info.remaining();
            }
            if (snippet.isBlank()) continue;
            for (SnippetEvent event : shell.eval(snippet)) {
                String error = describe(shell, event);
                if (error != null) return error;
            }
        }
        return null;
    }

    static String describe(JShell shell, SnippetEvent event) {
        if (event.status() == Snippet.Status.REJECTED) {
            String diagnostics = shell.diagnostics(event.snippet())
                    .filter(Diag::isError)
                    .map(d -> "error: " + d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n"));
            return diagnostics.isEmpty() ? "error: rejected snippet: " + event.snippet().source().strip() : diagnostics;
        }
        JShellException thrown = event.exception();
        if (thrown == null) return null;
        if (thrown instanceof EvalException) {
            EvalException e = (EvalException) thrown;
            String message = e.getMessage();
            StringBuilder text = new StringBuilder(e.getExceptionClassName());
            if (message != null) text.append(": ").append(message);
            for (StackTraceElement frame : e.getStackTrace()) text.append("\n\tat ").append(frame);
            return text.toString();
        }
        if (thrown instanceof UnresolvedReferenceException) {
            return "error: unresolved reference in " + event.snippet().source().strip();
        }
        return thrown.toString();
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
