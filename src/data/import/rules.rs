//! Every rule the importer applies, in words, so that a user can predict what it does with a
//! file: `gradscope inspect --help` and `gradscope train --help` end with [`IMPORT_RULES`],
//! and the README quotes it word for word (a test compares the three).

/// What `--data` / `inspect PATH` accepts and every decision the importer takes, as plain
/// text lines of at most 96 characters. Each rule names the code that applies it in the
/// module docs of [`super`], [`super::sniff`] and [`super::numbers`].
pub const IMPORT_RULES: &str = "\
What --data / PATH may be (judged by its content, not its name): a CSV/TSV table, raw or
gzipped; one IDX file or a folder of MNIST IDX files; a folder of class sub-folders of images.

Reading a table
  1. Bytes: gzip data (first bytes 1F 8B) is decompressed; a UTF-8 byte order mark is
     skipped; CRLF, LF and a lone CR all end a line. A cell that is not UTF-8 is an error.
  2. Delimiter: an Excel first line 'sep=X' names it (the line is skipped, but counted in
     line numbers). Else, of tab ; | and , the one on which most of the first 100 records
     agree on a non-zero count outside quotes (ties: tab, then ;, |, ,); with none, ','.
     Lines of spaces and tabs are not counted.
  3. Decimal comma: only with ';', when more cells of records 2-100 look like 1,5 or 2.907,5
     than like 1.5.
  4. Header: the first non-blank record is a header when, among the columns whose other
     cells (records 2-100) are all numbers or missing, more have a first cell that is not a
     number than one that is. When no column is all numbers: when every first cell is text
     that does not come back further down its column.
  5. Cells: a cell that opens with \" is quoted (\"\" is one quote; delimiters and line ends
     inside are text); a quote never closed is an error at the opening quote. Cells are
     trimmed of white space (spaces, tabs, Unicode's other spaces); blank lines, and lines
     of white space without a delimiter, are skipped, and so are records of empty cells
     before the first record (,, or a line of tabs).
  6. Fields: every record has as many as the first. One extra empty field at the end of a
     line is dropped, and so is a last column whose header cell (without a header: every
     cell) and data cells are all empty; any other difference is an error
     (file:line: 4 fields, the header has 3).
  7. Column names: the header cells; 'column N' (from 1) without a header, or for an empty
     header cell.

What a cell is
  Missing: empty, NA, N/A, ? or nan (any case).
  Number: after an optional sign, Rust's float syntax (1, -1.5, .5, 2e-3), or ',' between
    groups of three digits (1,444.7 and 1,444 are 1444.7 and 1444). With a decimal comma:
    0,5, 2.907,5, 1.234.567 and 1.5; there 1.444 is 1.444 unless another cell of its column
    writes dots between groups of three (2.907,5 or 1.234.567), then it is 1444. A number
    must be finite as a 32-bit float (inf and 1e39 are not numbers).
  Text: anything else.

What each column becomes
  The label column is --label (a header name, exact then ignoring case, else a 0-based
  index), default the last.
  Every other column, by the first rule that applies:
    1. every cell missing                   -> excluded (all_missing); the rows stay
    2. over half of the present cells are numbers, the others text:
         --bad-numbers refuse (default)     -> error naming the first bad cells (line:column)
         --bad-numbers exclude              -> excluded (bad_numbers)
         --bad-numbers missing              -> those cells are missing; then rules 3-4
    3. numbers, all the same value          -> excluded (constant)
    4. numbers                              -> one numeric feature
    5. text with one distinct value         -> excluded (constant)
    6. text with more than 20 distinct values -> excluded (too_many_values)
    7. other text                           -> one-hot: one 0/1 feature per value, named
                                               column=value, values sorted (retyped)
  In the wizard and in experiment files, columns not chosen as features are excluded
  (not_selected), and text features may be set to be excluded (text_excluded).
  Every excluded or changed column is listed with its reason: inspect's \"excluded\",
  \"retyped\" and \"columns\"; train on stderr. When no feature is left, the error lists
  every column's reason.

Rows, label and task
  Rows with a missing label are left out; so are rows with a missing feature cell (the
  wizard can fill those with the training split's mean instead). Both counts are reported.
  Task: when every present label is a number, at most 20 distinct values, all whole, make
  classification (classes in numeric order, named like -1, 2), other numbers regression;
  a label with any text cell makes classification with one class per text (sorted), but a
  label of numbers whose only other cells are numbers not finite as a 32-bit float (3.5e38,
  inf) is refused at the first (line:column), or with --bad-numbers missing those rows are
  left out. A
  classification label with a distinct value for >= 90 % of at least 10 rows gets a warning
  (it looks like an ID: choose another column, or regression). Header names that two or more
  columns share are each read as their own column, with a warning naming the columns.
  Split: stratified for classification, 80 % train, seed 1 (train: --train-ratio, --seed);
  features standardised with the training split's mean and standard deviation.

IDX: one file of an images/labels pair (its partner is found by name; the whole folder when
  it holds the four MNIST files), or a folder with train-/t10k- images and labels, raw or
  .gz. The four files give their own 60 000 / 10 000 split; one pair is split 80 / 20 in file
  order. Labels are any byte value; the classes are the distinct labels, named by their
  numbers.
Image folders: root/<class>/*.png|jpg|jpeg|bmp|gif; hidden entries and other files are
  ignored (listed); images that cannot be decoded are skipped and listed with the reason;
  all images are resized to the most common size; grey stays 1 channel, else RGB. The split
  is stratified, 80 % train, seed 1.";
