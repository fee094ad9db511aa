package io.riskmapping.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class JobRunTest {

    @Test
    void overlapIsFoundWhateverTheUriSpelling() {
        Path in = new Path("file:/data/in");
        assertTrue(JobRun.related(new Path(new Path("file:/data/in"), "train"), in), "child built from a parent (file:///)");
        assertTrue(JobRun.related(new Path("file:///data/in/"), in), "same folder, trailing slash");
        assertTrue(JobRun.related(new Path("file:/data"), in), "output holds the input");
        assertFalse(JobRun.related(new Path("file:/data/input2"), in), "a sibling with a common prefix");
        assertFalse(JobRun.related(new Path("hdfs://nn:8020/data/in"), in), "another file system");
        assertTrue(JobRun.related(new Path("hdfs://nn:8020/data/in/x"), new Path("hdfs://nn:8020/data/in")));
        assertFalse(JobRun.related(new Path("hdfs://other:8020/data/in/x"), new Path("hdfs://nn:8020/data/in")));
    }

    @Test
    void withinIsOneWay() {
        Path out = new Path("file:/data/out");
        assertTrue(JobRun.within(new Path("file:/data/out/model_artifacts"), out));
        assertTrue(JobRun.within(new Path("file:///data/out/"), out));
        assertFalse(JobRun.within(new Path("file:/data"), out), "a parent is not within");
        assertFalse(JobRun.within(new Path("file:/data/out2"), out));
    }

    @Test
    void relocateMovesAPathWithItsFolder() {
        Path out = new Path("file:/data/out");
        Path staging = new Path("file:/data/.out.risk-table-mapping-staging-1");
        assertEquals(new Path("file:/data/.out.risk-table-mapping-staging-1/model_artifacts"),
                JobRun.relocate(new Path("file:/data/out/model_artifacts"), out, staging));
        assertEquals(new Path("file:/data/.out.risk-table-mapping-staging-1/a/b"), JobRun.relocate(new Path("file:/data/out/a/b/"), out, staging));
        assertEquals(staging, JobRun.relocate(out, out, staging));
    }
}
