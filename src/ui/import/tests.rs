//! The wizard's jobs, without a window: a build whose Cancel came too late hands nothing over,
//! and a review that the build consumed comes back with its settings.

use super::*;

/// A wizard whose "Train on it" job on `path` has finished, with Cancel pressed meanwhile
/// or not.
fn finished_build(path: &Path, cancel: bool) -> ImportWizard {
    let source = DataSource::auto(path);
    let loaded = crate::data::load_now(&source).expect("loads");
    let (tx, rx) = mpsc::channel();
    let ready = Loaded::Ready(Arc::new(loaded.dataset), source, Arc::new(loaded.report));
    tx.send(Ok(ready)).expect("send");
    ImportWizard {
        open: true,
        path: Some(path.to_path_buf()),
        building: true,
        job: Some(Job::Loading {
            what: "cancel.csv".into(),
            progress: Arc::new(Progress::new()),
            cancel: Arc::new(AtomicBool::new(cancel)),
            result: rx,
        }),
        ..ImportWizard::default()
    }
}

/// Polls `wizard` until its job (reading the file again) is done, which hands nothing over.
fn read_again(wizard: &mut ImportWizard, ctx: &egui::Context) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while wizard.job.is_some() {
        assert!(
            std::time::Instant::now() < deadline,
            "not read again in 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        assert!(wizard.poll(ctx).is_none());
    }
}

#[test]
fn a_build_cancelled_while_it_ran_on_hands_nothing_over_and_the_review_comes_back() {
    let dir = std::env::temp_dir().join(format!("gradscope-cancel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("cancel.csv");
    let rows: String = (0..10)
        .map(|i| format!("{i},{},{}\n", i % 3, i % 2))
        .collect();
    std::fs::write(&file, format!("x,y,label\n{rows}")).expect("write");
    let ctx = egui::Context::default();

    let mut cancelled = finished_build(&file, true);
    assert!(cancelled.poll(&ctx).is_none());
    let message = format!("{}: cancelled", file.display());
    assert_eq!(cancelled.error(), Some(message.as_str()));
    assert!(cancelled.job.is_none() && !cancelled.building && cancelled.is_open());

    // A build that consumed the review: it is read again and comes back with its settings.
    let opened = crate::data::open_table(&file, None, &Progress::new(), &AtomicBool::new(false))
        .expect("opens");
    let mut settings =
        ImportSettings::guess(&opened.table, opened.table.options()).with_label(&opened.table, 1);
    settings.features = vec![0];
    let mut consumed = finished_build(&file, true);
    consumed.restore = Some(settings.clone());
    assert!(consumed.poll(&ctx).is_none());
    assert_eq!(consumed.error(), Some(message.as_str()));
    assert!(consumed.job.is_some() && !consumed.building && consumed.review.is_none());
    read_again(&mut consumed, &ctx);
    match &consumed.review {
        Some(Loaded::Table(review)) => assert_eq!(review.settings, settings),
        _ => panic!("no review after the cancelled build"),
    }
    assert_eq!(consumed.restore, None);
    // The cancelled message stays, with the review, until the settings change.
    assert_eq!(consumed.error(), Some(message.as_str()));

    // If the file cannot be read again, that error shows and nothing is tried again.
    let mut gone = finished_build(&file, true);
    gone.path = Some(dir.join("gone.csv"));
    gone.restore = Some(settings);
    assert!(gone.poll(&ctx).is_none());
    read_again(&mut gone, &ctx);
    assert!(gone.review.is_none() && gone.restore.is_none());
    assert!(
        gone.error()
            .is_some_and(|e| e.contains("gone.csv") && !e.ends_with("cancelled")),
        "{:?}",
        gone.error()
    );

    // The same job, not cancelled, hands its data set over and closes the wizard.
    let mut kept = finished_build(&file, false);
    let data = kept.poll(&ctx).expect("handed over");
    assert_eq!((data.train.len(), data.test.len()), (8, 2));
    assert_eq!(kept.error(), None);
    assert!(!kept.is_open());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A path of nothing but spaces (the tester typed three) is not looked up as a file without a
/// name (which answered ": the file does not exist"): the wizard says the path is blank and
/// starts nothing, from the path field and from any other route.
#[test]
fn a_blank_path_is_named_as_blank() {
    let ctx = egui::Context::default();
    let message = "the path is blank: type or paste the path of a file or folder, then press Enter";
    let mut typed = ImportWizard {
        typed_path: "   ".into(),
        ..ImportWizard::default()
    };
    typed.open_typed(&ctx);
    assert_eq!(typed.error(), Some(message));
    assert!(typed.is_open() && typed.job.is_none() && typed.path.is_none());
    let mut dropped = ImportWizard::default();
    dropped.open_path(&ctx, PathBuf::from(" \t"));
    assert_eq!(dropped.error(), Some(message));
    assert!(dropped.job.is_none());
}

/// After a table became the data set, the message strip says what became of its rows when
/// one was left out or nothing is tested, and nothing when every row is used and tested on.
#[test]
fn the_note_after_an_import_names_the_rows_left_out() {
    let dir = std::env::temp_dir().join(format!("gradscope-note-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let note = |name: &str, text: &str| {
        let file = dir.join(name);
        std::fs::write(&file, text).expect("write");
        let loaded = crate::data::load_now(&DataSource::auto(&file)).expect("loads");
        imported_note(&loaded.report)
    };
    let rows: String = (0..10).map(|i| format!("{i},{}\n", i % 2)).collect();
    assert_eq!(note("clean.csv", &format!("x,y\n{rows}")), None);
    assert_eq!(
        note("gaps.csv", &format!("x,y\n{rows}NA,1\n7,\n")),
        Some(
            "gaps.csv: 12 rows: 8 train · 2 test · 2 left out (line 12: a missing value in \
             column \"x\"; line 13: a missing label in column \"y\")"
                .to_string()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}
