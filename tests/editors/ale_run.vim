" Opens $DRAFT, lints it with ALE, waits for the result, and writes the
" location list as JSON to $OUT; ale_check.py reads it.
execute 'source ' . fnameescape($TOP . '/docs/editors/ale-postlint.vim')
execute 'edit ' . fnameescape($DRAFT)
ALELint
let s:tries = 0
while s:tries < 150 && (ale#engine#IsCheckingBuffer(bufnr('')) || empty(getloclist(0)))
    sleep 100m
    let s:tries += 1
endwhile
call writefile([json_encode(getloclist(0))], $OUT)
qall!
