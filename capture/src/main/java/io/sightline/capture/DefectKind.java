package io.sightline.capture;

/**
 * Ground-truth defect of a captured part, known only for synthetic cameras and labelled data.
 *
 * <p>Used to score a run (escapes, false rejects) and to label training data. Nothing on the
 * decision path may read it: the station decides from pixels alone.
 */
public enum DefectKind {
    /** A good part. */
    NONE("ok"),
    SCRATCH("scratch"),
    PIT("pit"),
    CRACK("crack"),
    MISSING_FEATURE("missing_feature"),
    MISPLACED_FEATURE("misplaced_feature"),
    /** A real camera: nobody knows. */
    UNKNOWN("unknown"),
    /**
     * A stain of another hue (heat tint, corrosion) at nearly the surface's brightness: plain in
     * colour, faint in gray. Rendered by a colour synthetic camera only.
     */
    DISCOLOURATION("discolouration");

    private final String label;

    DefectKind(String label) {
        this.label = label;
    }

    /** The dataset class name (DESIGN: {@code ok} is the passing class). */
    public String label() {
        return label;
    }

    public boolean isDefect() {
        return this != NONE && this != UNKNOWN;
    }

    /** The defect kinds a synthetic camera can render, in a fixed order. */
    public static DefectKind[] renderable() {
        return new DefectKind[] {SCRATCH, PIT, CRACK, MISSING_FEATURE, MISPLACED_FEATURE};
    }

    /** The defect kinds a colour synthetic camera renders: {@link #renderable()} and {@link #DISCOLOURATION}. */
    public static DefectKind[] colourRenderable() {
        return new DefectKind[] {SCRATCH, PIT, CRACK, MISSING_FEATURE, MISPLACED_FEATURE, DISCOLOURATION};
    }
}
