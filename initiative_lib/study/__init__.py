"""This study's own choices, parameterised by the target document (the initiative by default):
the headline specification, comparison units, the target read closely, the framing axes and
the robustness specifications.
"""

from __future__ import annotations

from initiative_lib.study.external import (
    contrast_members,
    external_validation,
    group_contrast,
    load_external_groups,
)
from initiative_lib.study.findings import (
    finding,
    findings_table,
    format_number,
    format_p,
    mark_stable,
    robustness_findings,
    stack_findings,
)
from initiative_lib.study.framing import (
    axis_positions,
    check_axes,
    entry_influence,
    framing_axes,
    framing_profiles,
    group_means,
    with_groups,
)
from initiative_lib.study.robustness import Specification, robustness_table, target_distances
from initiative_lib.study.specification import (
    AnalysisData,
    analysis_data,
    drop_verbatim_repeats,
    headline_model,
    written_before,
)
from initiative_lib.study.target import (
    assign_parts,
    framing_comparison,
    g2_threshold,
    load_parts_lexicon,
    paragraph_matrix,
    parts_matches,
    split_paragraphs,
    target_keyness,
    target_paragraphs,
    target_phrases,
    target_text,
    text_matches,
    top_content_terms,
)
from initiative_lib.study.units import (
    comparison_units,
    content_columns,
    document_segments,
    keyness_against_groups,
    pool_units,
    scale_units,
    similarity_baseline,
    strategy_labels,
    unit_groups,
    unit_means,
)

__all__ = [
    "AnalysisData",
    "Specification",
    "analysis_data",
    "assign_parts",
    "axis_positions",
    "check_axes",
    "comparison_units",
    "content_columns",
    "contrast_members",
    "document_segments",
    "drop_verbatim_repeats",
    "entry_influence",
    "external_validation",
    "finding",
    "findings_table",
    "format_number",
    "format_p",
    "framing_axes",
    "framing_comparison",
    "framing_profiles",
    "g2_threshold",
    "group_contrast",
    "group_means",
    "headline_model",
    "keyness_against_groups",
    "load_external_groups",
    "load_parts_lexicon",
    "mark_stable",
    "paragraph_matrix",
    "parts_matches",
    "pool_units",
    "robustness_findings",
    "robustness_table",
    "scale_units",
    "similarity_baseline",
    "split_paragraphs",
    "stack_findings",
    "strategy_labels",
    "target_distances",
    "target_keyness",
    "target_paragraphs",
    "target_phrases",
    "target_text",
    "text_matches",
    "top_content_terms",
    "unit_groups",
    "unit_means",
    "with_groups",
    "written_before",
]
