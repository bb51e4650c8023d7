" postlint for ALE (https://github.com/dense-analysis/ale).
" Put this file in ~/.vim/plugin/ (or source it from your vimrc) after ALE
" is installed.  ALE pipes the buffer to postlint, which finds the
" .postlint.xml that belongs to the buffer's path and answers one JSON
" object per post; the callback turns each finding into a loclist item.
" postlint counts columns in characters and ALE in bytes, so columns are
" converted with byteidx() on the buffer's own line.

function! PostlintAleHandle(buffer, lines) abort
    let l:items = []

    for l:line in a:lines
        if l:line !~# '^{'
            continue
        endif

        let l:post = json_decode(l:line)

        for l:f in l:post.findings
            let l:text = get(getbufline(a:buffer, l:f.line), 0, '')
            let l:end_text = get(getbufline(a:buffer, l:f.end_line), 0, '')
            let l:col = byteidx(l:text, l:f.column - 1)
            let l:end_col = byteidx(l:end_text, l:f.end_column - 1)

            call add(l:items, {
            \   'lnum': l:f.line,
            \   'col': l:col < 0 ? l:f.column : l:col + 1,
            \   'end_lnum': l:f.end_line,
            \   'end_col': l:end_col < 1 ? l:f.end_column - 1 : l:end_col,
            \   'type': l:f.severity is# 'error' ? 'E'
            \         : l:f.severity is# 'warning' ? 'W' : 'I',
            \   'text': l:f.message,
            \   'code': l:f.rule,
            \})
        endfor
    endfor

    return l:items
endfunction

for s:filetype in ['text', 'markdown', 'html', 'xml', 'csv']
    call ale#linter#Define(s:filetype, {
    \   'name': 'postlint',
    \   'executable': {b -> get(g:, 'postlint_executable', 'postlint')},
    \   'command': '%e --format=jsonl --stdin-filename %s -',
    \   'callback': 'PostlintAleHandle',
    \})
endfor
