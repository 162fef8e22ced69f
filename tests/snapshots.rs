//! Snapshot of the markdown renderer's output for a page that uses every
//! feature at once: a change anywhere in shortcodes, kramdown, headings,
//! the TOC, highlighting or links shows up as a reviewable diff
//! (`tests/snapshots/`). Update with `INSTA_UPDATE=always cargo test`.

use opsbook::markdown::shortcode::{Expander, PageInfo};
use opsbook::markdown::{Links, render, toc_html};

const PAGE: &str = r#"## On this page
{:.no_toc}

- TOC
{:toc}

## Escalation {#escalation}

Page the **EOC** first[^1]. ~~Email~~ is too slow; see [severities](../incident-management/severities.md#s1)
and the [rotation](/handbook/on-call/rotation/).

- [x] acknowledge
- [ ] hand over

| Severity | Page? |
|:---|---:|
| S1 | yes |

{{% details summary="Runbook <b>excerpt</b>" %}}
### Fail over

```shell
# promote the replica
gitlab-ctl patroni failover --candidate db-02 && echo "done"
```

{{% alert title="Careful" color="warning" %}}
Check replication lag first.
{{% /alert %}}
{{% /details %}}

{{< youtube id="dQw4w9WgXcQ" title="Drill" >}}

Literal: {{</* alert */>}}
{: .alert .alert-info}

[^1]: The engineer on call.
"#;

#[test]
fn every_markdown_feature_renders_as_before() {
    let resolve = |rel: &str| {
        (rel == "handbook/incident-management/severities.md")
            .then(|| "handbook/incident-management/severities/".to_string())
    };
    let links = Links {
        base_url: "/",
        base_path: "/project/",
        source_dir: "handbook/on-call",
        resolve_md: &resolve,
    };
    let expander = Expander {
        templates: None,
        page: PageInfo {
            title: "On-call",
            url: "/project/handbook/on-call/",
        },
        options: Default::default(),
    };
    let out = render(PAGE, &expander, &links, (2, 4)).expect("renders");
    insta::assert_snapshot!("page_html", out.html);
    insta::assert_snapshot!("toc_html", toc_html(&out.toc));
}
