package io.riskmapping.ml.feature.core;

import java.util.function.UnaryOperator;

import org.apache.spark.sql.types.StructType;

import io.riskmapping.artifacts.RiskTableMap;

/**
 * What the execution paths need of a fitted risk-table mapping, as plain values: the columns, the
 * tables, whether an invalid value fails the query, the model's broadcast tables (made once per
 * model and Spark context) and the model's schema check. The stage hands it out
 * ({@code RiskTableMapperModel.tableMapping()}); execution code never sees the stage.
 *
 * @param inputCols      the input columns, in the model's order
 * @param outputCols     the output column of each input column
 * @param tables         one table per mapped input column, keyed by the column name (skipped columns have none)
 * @param errorOnInvalid {@code handleInvalid = "error"}: a null or unseen value fails the query
 * @param broadcasts     the model's broadcast copies of its large tables
 * @param outputSchema   the model's {@code transformSchema}: the output schema of an input schema, or
 *                       {@link IllegalArgumentException} for a missing input column or a clash of output columns
 */
public record TableMapping(String[] inputCols, String[] outputCols, RiskTableMap tables, boolean errorOnInvalid,
        Lookups.Broadcasts broadcasts, UnaryOperator<StructType> outputSchema) {
}
