# A persistent R "kernel" for the local AgentBay-compatible server: one R process per session
# runs every R run_code cell in the global environment, so later cells see earlier variables,
# as the real service keeps R state between calls (SDK documentation, code-execution.md).
#
# usage: Rscript r_kernel.R 4<requests 3>control </dev/null   (fd 3 and 4: pipes; cells get an
# empty stdin, so readline() and readLines("stdin") end at once instead of waiting)
#
# Each request is one line: CELL_FILE <TAB> RESULT_FILE <TAB> MARKER <TAB> CLEAR_MARKER.
# The cell runs as Rscript would run it as a file: each top-level expression in turn, visible
# values printed, the first error stops the cell ("Error in f(): message" on stderr). When the
# cell ends the kernel writes MARKER to stdout and stderr, then {"done":true} on fd 3.

local({
  requests <- file("/dev/fd/4", open = "r", raw = TRUE)
  control <- file("/dev/fd/3", open = "w", raw = TRUE)
  options(warn = 1)

  json_string <- function(text) {
    text <- enc2utf8(paste(text, collapse = "\n"))
    text <- gsub("\\", "\\\\", text, fixed = TRUE)
    text <- gsub("\"", "\\\"", text, fixed = TRUE)
    text <- gsub("\n", "\\n", text, fixed = TRUE)
    text <- gsub("\r", "\\r", text, fixed = TRUE)
    text <- gsub("\t", "\\t", text, fixed = TRUE)
    text <- gsub("[\001-\037]", " ", text, perl = TRUE)
    paste0("\"", text, "\"")
  }

  report_error <- function(result_file, message) {
    cat(paste0("{\"kind\":\"error\",\"message\":", json_string(message), "}\n"),
        file = result_file, append = TRUE)
  }

  # R's own wording for an uncaught error: "Error in <call> : <message>" or "Error: <message>".
  error_text <- function(condition) {
    call <- conditionCall(condition)
    message <- conditionMessage(condition)
    # stop() at the cell's top level: R names no call there, whatever this loop's eval() is.
    if (is.null(call) || identical(call, quote(eval(expr, envir = globalenv())))) {
      return(paste0("Error: ", message))
    }
    paste0("Error in ", paste(deparse(call, nlines = 1L), collapse = ""), " : ", message)
  }

  run_cell <- function(cell_file, result_file) {
    exprs <- tryCatch(parse(file = cell_file, keep.source = FALSE, encoding = "UTF-8"),
                      error = function(e) e)
    if (inherits(exprs, "error")) {
      # "4:0: unexpected end of input", without the server's path of the cell file.
      text <- paste0("Error: ", gsub(paste0(cell_file, ":"), "", conditionMessage(exprs), fixed = TRUE))
      cat(text, "\n", sep = "", file = stderr())
      report_error(result_file, strsplit(text, "\n", fixed = TRUE)[[1]][1])
      return(invisible())
    }
    for (expr in exprs) {
      failed <- tryCatch({
        shown <- withVisible(eval(expr, envir = globalenv()))
        if (shown$visible) print(shown$value)
        NULL
      }, error = function(e) e)
      if (!is.null(failed)) {
        text <- error_text(failed)
        cat(text, "\n", sep = "", file = stderr())
        report_error(result_file, strsplit(text, "\n", fixed = TRUE)[[1]][1])
        return(invisible())
      }
    }
  }

  repeat {
    line <- readLines(requests, n = 1L, warn = FALSE)
    if (length(line) == 0L) break
    fields <- strsplit(line, "\t", fixed = TRUE)[[1]]
    cat("{\"started\":true}\n", file = control)
    flush(control)
    run_cell(fields[1], fields[2])
    flush(stdout())
    flush(stderr())
    cat(fields[3], file = stdout())
    cat(fields[3], file = stderr())
    flush(stdout())
    flush(stderr())
    cat("{\"done\":true}\n", file = control)
    flush(control)
  }
})
