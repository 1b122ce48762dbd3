//! The import wizard takes the data room's one route: a table or image folder reviewed in the
//! real App (egui_kittest) becomes a `DataSource` whose import settings are the wizard's
//! choices, and `data::load` builds it, so the window's data set equals the command line's
//! (`train --data`, `inspect`, experiment files) for the same file and settings.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use eframe::egui::accesskit::{Role, Toggled};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gradscope::data::{
    DataSource, FileImport, ImportSettings, MissingPolicy, Progress, load_now, open_table,
};
use gradscope::ui::{AppOptions, Banner, GradscopeApp};

/// The real App, paused at start, 1280×800.
fn harness() -> Harness<'static, GradscopeApp> {
    Harness::builder()
        .with_size(eframe::egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            GradscopeApp::new(
                &cc.egui_ctx,
                AppOptions {
                    autoplay: false,
                    settings: gradscope::ui::Settings::default(),
                    screenshot: None,
                    open: None,
                    bench: None,
                },
            )
        })
}

/// Runs frames until `done` holds or 30 s pass.
fn run_until(harness: &mut Harness<'static, GradscopeApp>, done: impl Fn(&GradscopeApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "condition not reached in 30 s");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
}

/// Runs frames until a widget labelled `label` shows up, or fails with `why` after 30 s.
fn wait_for_label(harness: &mut Harness<'static, GradscopeApp>, label: &str, why: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while harness.query_by_label(label).is_none() {
        assert!(Instant::now() < deadline, "{why}");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
}

/// A fresh folder under the temp dir for test `name`.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gradscope-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// 60 rows: two numeric columns (one with a missing cell every 10 rows), a text column that
/// becomes one-hot, a constant column (excluded) and a text label of three classes.
fn write_table(path: &Path) {
    let mut text = String::from("width,height,colour,unit,kind\n");
    for i in 0..60 {
        let height = if i % 10 == 3 {
            "NA".to_string()
        } else {
            format!("{}.{}", i % 7, i % 3)
        };
        let colour = ["red", "green", "blue", "grey"][i % 4];
        let kind = ["cat", "dog", "fox"][i % 3];
        text += &format!("{},{height},{colour},cm,{kind}\n", i * 2 % 13);
    }
    std::fs::write(path, text).expect("write");
}

/// A new window with `path` open in the wizard, once its review shows.
fn wizard_on(path: &Path) -> Harness<'static, GradscopeApp> {
    let mut harness = harness();
    harness.run_steps(2);
    let ctx = harness.ctx.clone();
    harness.state_mut().open_data(&ctx, path.to_path_buf());
    wait_for_label(
        &mut harness,
        "Train on it",
        "the wizard did not show its review",
    );
    harness
}

/// Opens `path` in the wizard, waits for its review, runs `choose` on the harness, clicks
/// *Train on it* and returns the data set the App trains on.
fn through_the_wizard(
    path: &Path,
    choose: impl FnOnce(&mut Harness<'static, GradscopeApp>),
) -> gradscope::data::Dataset {
    let mut harness = wizard_on(path);
    choose(&mut harness);
    harness.run_steps(2);
    harness.get_by_label("Train on it").click();
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    run_until(&mut harness, |app| {
        assert_eq!(app.import_error(), None);
        app.data().name == name
    });
    (**harness.state().data()).clone()
}

#[test]
fn a_csv_reviewed_with_its_defaults_is_the_data_set_train_data_builds() {
    let dir = temp_dir("wizard-route");
    let path = dir.join("pets.csv");
    write_table(&path);
    let window = through_the_wizard(&path, |_| {});
    // `gradscope train --data pets.csv` and `inspect pets.csv` load exactly this.
    let command_line = load_now(&DataSource::auto(&path)).expect("loads").dataset;
    assert_eq!(
        window.feature_names,
        [
            "width",
            "height",
            "colour=blue",
            "colour=green",
            "colour=grey",
            "colour=red"
        ]
    );
    // 6 rows have a missing height and are dropped; 80 % of each class trains.
    assert_eq!((window.train.len(), window.test.len()), (42, 12));
    assert_eq!(window, command_line);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The wizard shows the importer's warnings under its choices, as `inspect` lists them: here
/// a label with a value per row and two columns of one name.
#[test]
fn the_wizard_shows_the_importers_warnings() {
    let dir = temp_dir("wizard-warnings");
    let path = dir.join("ids.csv");
    let mut text = String::from("x,x,customer\n");
    for i in 1..=30 {
        text += &format!("{},{},C{i:03}\n", i % 7, i % 5);
    }
    std::fs::write(&path, text).expect("write");
    let mut harness = wizard_on(&path);
    harness.run_steps(2);
    let id_like = "warning: the label column \"customer\" has 30 distinct values in 30 rows, \
                   like an identifier: each class has about one row, so nothing can be learned \
                   or tested; choose another label column, or regression if the label is a \
                   quantity";
    let shared = "warning: columns 1, 2 are all named \"x\": each is read as its own column, and \
                  the panels and exports name them alike; rename them in the file to tell them \
                  apart";
    for warning in [id_like, shared] {
        assert!(
            harness.query_by_label(warning).is_some(),
            "the wizard does not show: {warning}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_wizards_column_choices_become_the_sources_import_settings() {
    let dir = temp_dir("wizard-choices");
    let path = dir.join("pets.csv");
    write_table(&path);
    let window = through_the_wizard(&path, |harness| {
        // Leave out the width and fill missing heights with the mean instead of dropping.
        harness
            .get_by_role_and_label(Role::CheckBox, "width")
            .click();
        harness.run_steps(1);
        harness.get_by_label("fill with the mean").click();
    });
    // The same file and settings as an experiment file stores them
    // (`{"file": {"path", "import": {"table": {…}}}}`), through the same route.
    let opened = open_table(&path, None, &Progress::new(), &AtomicBool::new(false)).expect("opens");
    let mut settings = ImportSettings::guess(&opened.table, opened.table.options());
    settings.features = vec![1, 2, 3];
    settings.missing = MissingPolicy::FillMean;
    let source = DataSource {
        path: path.clone(),
        import: FileImport::Table(settings),
    };
    let expected = load_now(&source).expect("loads").dataset;
    assert_eq!(
        window.feature_names,
        [
            "height",
            "colour=blue",
            "colour=green",
            "colour=grey",
            "colour=red"
        ]
    );
    // No row dropped: 60 rows, 48 train and 12 test.
    assert_eq!((window.train.len(), window.test.len()), (48, 12));
    assert_eq!(window, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_image_folder_reviewed_in_the_wizard_is_the_data_set_train_data_builds() {
    let dir = temp_dir("wizard-images");
    let root = dir.join("shapes");
    for (class, sizes) in [("round", [10u32, 10, 6, 10]), ("square", [10, 10, 10, 10])] {
        std::fs::create_dir_all(root.join(class)).expect("class dir");
        for (i, &side) in sizes.iter().enumerate() {
            let image = image::GrayImage::from_fn(side, side, |x, y| {
                image::Luma([((x * 25 + y * 7 + i as u32 * 11) % 256) as u8])
            });
            image
                .save(root.join(class).join(format!("{i}.png")))
                .expect("png");
        }
    }
    let window = through_the_wizard(&root, |_| {});
    let command_line = load_now(&DataSource::auto(&root)).expect("loads").dataset;
    assert_eq!(window.image_shape, Some([1, 10, 10]));
    assert_eq!((window.train.len(), window.test.len()), (6, 2));
    assert_eq!(window, command_line);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_preview_shows_the_numbers_the_importer_read() {
    let dir = temp_dir("preview-numbers");
    let path = dir.join("houses.csv");
    let mut text = String::from("rooms,area,label\n");
    for i in 0..60 {
        let area = match i {
            0 => "\"1,444.7\"".to_string(),
            1 => "NA".to_string(),
            _ => format!("\"{},{:03}.5\"", 1 + i % 3, i * 7),
        };
        text += &format!("{},{area},{}\n", 2 + i % 4, ["big", "small"][i % 2]);
    }
    std::fs::write(&path, text).expect("write");
    let mut harness = wizard_on(&path);
    harness.run_steps(2);
    // Row 1: the thousands separator is read, and the preview shows the number learned from.
    assert!(harness.query_by_label("1444.7").is_some());
    assert!(harness.query_by_label("1,444.7").is_none());
    // Row 3: "3,014.5" is 3014.5; a plain number (rooms) and the label stay as written.
    assert!(harness.query_by_label("3014.5").is_some());
    assert!(harness.query_by_label("3,014.5").is_none());
    // The missing cell is shown as written.
    assert!(harness.query_by_label("NA").is_some());
    assert_eq!(
        harness.query_all_by_label("big").count(),
        4,
        "rows 1, 3, 5 and 7"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn train_on_it_builds_the_reviewed_table_without_reading_the_file_again() {
    let dir = temp_dir("once");
    let path = dir.join("once.csv");
    write_table(&path);
    // What `--data` builds from the same file: the wizard's guesses are the defaults.
    let expected = load_now(&DataSource::auto(&path)).expect("loads").dataset;
    let mut harness = wizard_on(&path);
    // The review holds the table: the build must not need the file any more.
    std::fs::remove_file(&path).expect("remove");
    harness.get_by_label("Train on it").click();
    run_until(&mut harness, |app| {
        assert_eq!(app.import_error(), None);
        app.data().name == "once.csv"
    });
    let data = harness.state().data().clone();
    assert_eq!(data.feature_names, expected.feature_names);
    assert_eq!(
        (data.train.len(), data.test.len()),
        (expected.train.len(), expected.test.len())
    );
    assert_eq!(data.train.features, expected.train.features);
    assert_eq!(data.test.features, expected.test.features);
    assert_eq!(data.train.labels, expected.train.labels);
    assert_eq!(data.source_rows, expected.source_rows);
    assert!(harness.query_by_label("Train on it").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Settings that cannot build show why at once, from the table the wizard holds, and disable
/// *Train on it* (its tooltip says why): the file is not read again, so the error is the
/// settings' even when the file is gone (before, reading it again answered "cannot read the
/// file").
#[test]
fn settings_that_cannot_build_say_why_without_reading_the_file_again() {
    let dir = temp_dir("wizard-no-features");
    let path = dir.join("pets.csv");
    write_table(&path);
    // What `--data` says for the same file and settings: no feature columns (the constant
    // "unit", left out by the importer, stays chosen: its box is not ticked and cannot be).
    let opened = open_table(&path, None, &Progress::new(), &AtomicBool::new(false)).expect("opens");
    let mut settings = ImportSettings::guess(&opened.table, opened.table.options());
    settings.features = vec![3];
    let source = DataSource {
        path: path.clone(),
        import: FileImport::Table(settings),
    };
    let expected = load_now(&source).expect_err("no features").in_window();
    assert!(
        expected.contains("no usable feature columns besides the label column \"kind\""),
        "{expected}"
    );

    let mut harness = wizard_on(&path);
    std::fs::remove_file(&path).expect("remove");
    assert!(!disabled(&harness, "Train on it"));
    for column in ["width", "height", "colour"] {
        harness
            .get_by_role_and_label(Role::CheckBox, column)
            .click();
        // A frame for the click, one for the error it brings (which moves the boxes down).
        harness.run_steps(2);
    }
    harness.run_steps(2);
    assert!(
        harness.query_by_label(&expected).is_some(),
        "the review does not say: {expected}"
    );
    assert!(disabled(&harness, "Train on it"));
    // A click on the disabled button builds nothing; the review stays, with its choices.
    harness.get_by_label("Train on it").click();
    harness.run_steps(2);
    assert_eq!(harness.state().import_error(), None);
    assert!(harness.query_by_label("Train on it").is_some());
    assert!(
        harness
            .query_by_label("class balance of kind: cat: 20, dog: 20, fox: 20")
            .is_some()
    );
    // Ticked again, the error goes and the button is enabled.
    harness
        .get_by_role_and_label(Role::CheckBox, "width")
        .click();
    harness.run_steps(2);
    assert!(harness.query_by_label(&expected).is_none());
    assert!(!disabled(&harness, "Train on it"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether the first widget labelled `label` is disabled.
fn disabled(harness: &Harness<'static, GradscopeApp>, label: &str) -> bool {
    harness.get_by_label(label).accesskit_node().is_disabled()
}

/// `text` written to `name` in a fresh folder for test `test`.
fn write_file(test: &str, name: &str, text: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(test);
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

/// Writes `text` to a file `name` in a fresh folder for `test` and opens it in the wizard
/// (two frames drawn): the folder, the file and the harness.
fn wizard_on_text(
    test: &str,
    name: &str,
    text: &str,
) -> (PathBuf, PathBuf, Harness<'static, GradscopeApp>) {
    let (dir, path) = write_file(test, name, text);
    let mut harness = wizard_on(&path);
    harness.run_steps(2);
    (dir, path, harness)
}

/// Clicks *Train on it* and waits until the App trains on the file `path`.
fn train_on_it(harness: &mut Harness<'static, GradscopeApp>, path: &Path) {
    harness.get_by_label("Train on it").click();
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    run_until(harness, |app| {
        assert_eq!(app.import_error(), None);
        app.data().name == name
    });
}

/// The choice for a column of numbers with a few bad cells shows with the error at once and
/// stays on screen once made, so that it can be changed; the error goes as soon as it is.
#[test]
fn the_bad_numbers_choice_can_be_changed_and_a_stale_error_goes() {
    let mut text = String::from("a,b,label\n");
    for i in 0..40 {
        let b = if i == 3 {
            "x".to_string()
        } else {
            (i * 2).to_string()
        };
        text += &format!("{i},{b},{}\n", ["y", "n"][i % 2]);
    }
    let (dir, path, mut harness) = wizard_on_text("wizard-bad-numbers", "mixed.csv", &text);
    // Unresolved: the review names the cell and the wizard's choice (not a command-line
    // flag), and Train on it waits for the choice.
    let error = format!(
        "{}:5:2: \"x\" in column \"b\" is not a number (1 of 40 cells): treat such cells as \
         missing or exclude the column (choose \"treat as missing\" or \"exclude\" under the \
         preview)",
        path.display()
    );
    assert!(
        harness.query_by_label(&error).is_some(),
        "no error: {error}"
    );
    assert!(disabled(&harness, "Train on it"));
    harness.get_by_label("treat as missing").click();
    harness.run_steps(2);
    assert!(harness.query_by_label(&error).is_none(), "a stale error");
    assert!(!disabled(&harness, "Train on it"));
    // Chosen, and still offered: change it to exclude (the first "exclude" on screen is this
    // choice; the text features' one comes further down).
    harness
        .get_all_by_label("exclude")
        .next()
        .expect("the bad-numbers choice is still offered")
        .click();
    harness.run_steps(2);
    train_on_it(&mut harness, &path);
    assert_eq!(harness.state().data().feature_names, ["a"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The tester's `nonnum.csv`, its bad cell treated as missing: the missing count counts that
/// cell, the class balance counts the rows used, and every row is accounted for before
/// training (3 train, 1 test, line 3 left out and why) and after it, in the message strip.
#[test]
fn every_row_is_accounted_for_before_and_after_training() {
    let text = "a,b,label\n1,2,x\n3,oops,y\n5,6,z\n7,8,x\n9,10,y\n";
    let (dir, path, mut harness) = wizard_on_text("wizard-rows", "nonnum.csv", text);
    // Unresolved: the file's counts.
    for shown in [
        "0 missing values (NA, empty, ?)",
        "class balance of label: x: 2, y: 2, z: 1",
    ] {
        assert!(
            harness.query_by_label(shown).is_some(),
            "not shown: {shown}"
        );
    }
    harness.get_by_label("treat as missing").click();
    harness.run_steps(2);
    let why = "line 3: \"oops\" in column \"b\" is not a number, treated as missing";
    for shown in [
        "1 missing value (NA, empty, ?; 1 of them not a number, treated as missing)",
        "class balance of label: x: 2, y: 1, z: 1",
        "5 rows: 3 train · 1 test · 1 left out",
        &format!("left out: {why}"),
    ] {
        assert!(
            harness.query_by_label(shown).is_some(),
            "not shown: {shown}"
        );
    }
    // Filled with the mean instead, the row stays: 3 + 2 = 5.
    harness.get_by_label("fill with the mean").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("5 rows: 3 train · 2 test").is_some());
    assert!(
        harness
            .query_by_label(&format!("left out: {why}"))
            .is_none()
    );
    harness.get_by_label("drop rows").click();
    harness.run_steps(2);
    train_on_it(&mut harness, &path);
    let data = harness.state().data().clone();
    assert_eq!((data.train.len(), data.test.len()), (3, 1));
    let note = format!("nonnum.csv: 5 rows: 3 train · 1 test · 1 left out ({why})");
    assert_eq!(harness.state().banner(), Some(&Banner::Done(note)));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The tester's `inflabel.csv`: the label's `inf` shows at once, with the wizard's control
/// for it (not a command-line flag); ticked, that row is left out and said so.
#[test]
fn a_non_finite_label_shows_at_once_with_the_wizards_remedy() {
    let (dir, path, mut harness) = wizard_on_text(
        "wizard-inf",
        "inflabel.csv",
        "a,b,label\n1,2,0\n2,3,inf\n3,4,1\n",
    );
    let error = format!(
        "{}:3:3: \"inf\" in column \"label\" is not a finite number (1 of 3 cells): a label \
         of numbers must be finite as a 32-bit float (at most 3.4e38 in size); scale the \
         column, or leave such rows out (choose \"leave those rows out\" under the preview)",
        path.display()
    );
    assert!(
        harness.query_by_label(&error).is_some(),
        "no error: {error}"
    );
    assert!(disabled(&harness, "Train on it"));
    let offer = "label column \"label\": 1 cell is a number not finite as a 32-bit float (inf, \
                 3.5e38):";
    assert!(
        harness.query_by_label(offer).is_some(),
        "not offered: {offer}"
    );
    harness
        .get_by_role_and_label(Role::CheckBox, "leave those rows out")
        .click();
    harness.run_steps(2);
    assert!(harness.query_by_label(&error).is_none());
    for shown in [
        "class balance of label: 0: 1, 1: 1",
        "3 rows: 2 train · 0 test · 1 left out",
        "left out: line 3: \"inf\" in column \"label\" is not a finite number",
    ] {
        assert!(
            harness.query_by_label(shown).is_some(),
            "not shown: {shown}"
        );
    }
    train_on_it(&mut harness, &path);
    assert_eq!(harness.state().data().train.len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The tester's `onecol.csv` (only a label): the review says at once that nothing is left to
/// learn from, and *Train on it* is disabled, its tooltip saying why.
#[test]
fn a_table_without_features_is_refused_in_the_review() {
    let (dir, path, mut harness) =
        wizard_on_text("wizard-onecol", "onecol.csv", "label\n1\n0\n1\n");
    let error = format!(
        "{}: no usable feature columns besides the label column \"label\"",
        path.display()
    );
    assert!(
        harness.query_by_label(&error).is_some(),
        "no error: {error}"
    );
    assert!(disabled(&harness, "Train on it"));
    harness.get_by_label("Train on it").hover();
    harness.run_steps(60);
    let tooltip = format!("These settings cannot build: {error}");
    assert!(
        harness.query_by_label(&tooltip).is_some(),
        "no tooltip: {tooltip}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The tester's `quotedlb.csv`: a label with a quoted line break shows quoted and escaped in
/// the class balance, so that it cannot be read as two labels.
#[test]
fn a_label_with_a_line_break_shows_on_one_line() {
    let text = "a,b,label\n1,2,\"x\ny\"\n3,4,y\n5,6,x\n";
    let (dir, _path, harness) = wizard_on_text("wizard-linebreak", "quotedlb.csv", text);
    let shown = "class balance of label: x: 1, \"x\\ny\": 1, y: 1";
    assert!(
        harness.query_by_label(shown).is_some(),
        "not shown: {shown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The tester's `manytext.csv`: a text column with 30 values is left out by the importer, so
/// its feature box is not ticked (nor can be), and its tooltip says why.
#[test]
fn a_column_the_importer_leaves_out_is_not_ticked() {
    let mut text = String::from("x,name,y\n");
    for i in 0..30 {
        text += &format!("0.{i}5,n{i},{}\n", i % 2);
    }
    let (dir, path, mut harness) = wizard_on_text("wizard-manytext", "manytext.csv", &text);
    let ticked = |harness: &Harness<'static, GradscopeApp>, label: &str| {
        let node = harness.get_by_role_and_label(Role::CheckBox, label);
        let node = node.accesskit_node();
        (node.toggled() == Some(Toggled::True), node.is_disabled())
    };
    assert_eq!(ticked(&harness, "x"), (true, false));
    assert_eq!(ticked(&harness, "name"), (false, true));
    harness
        .get_by_role_and_label(Role::CheckBox, "name")
        .hover();
    harness.run_steps(60);
    let why =
        "Not used: text with more than 20 distinct values (one-hot encoding takes at most 20)";
    assert!(harness.query_by_label(why).is_some(), "no tooltip: {why}");
    train_on_it(&mut harness, &path);
    assert_eq!(harness.state().data().feature_names, ["x"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The tester's `hugetarget.csv`: six whole-number labels make six classes of one row, all
/// training; the review warns that nothing will be tested and what to do, without refusing,
/// and the message strip says it again after training.
#[test]
fn an_empty_test_split_is_flagged() {
    let text = "a,b,y\n1,2,1e20\n2,3,2e20\n3,1,3e19\n4,2,5e19\n5,1,1.5e20\n6,2,7e19\n";
    let (dir, path, mut harness) = wizard_on_text("wizard-empty-test", "hugetarget.csv", text);
    let note = "no test split: each of the 6 classes has a single row, which trains, so the test \
                loss and accuracy show \"-\"; if the label is a quantity, choose the task \
                \"regression\", which holds rows out for testing";
    assert!(harness.query_by_label("6 rows: 6 train · 0 test").is_some());
    let warning = format!("warning: {note}");
    assert!(
        harness.query_by_label(&warning).is_some(),
        "no warning: {warning}"
    );
    assert!(!disabled(&harness, "Train on it"));
    train_on_it(&mut harness, &path);
    let data = harness.state().data().clone();
    assert_eq!((data.train.len(), data.test.len()), (6, 0));
    let strip = format!("hugetarget.csv: 6 rows: 6 train · 0 test; {note}");
    assert_eq!(harness.state().banner(), Some(&Banner::Done(strip)));
    let _ = std::fs::remove_dir_all(&dir);
}
