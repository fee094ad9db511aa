package io.riskmapping.job;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.riskmapping.ml.feature.InformationValues;
import io.riskmapping.ml.feature.MissingValueImputerModel;
import io.riskmapping.ml.feature.NumericBinnerModel;

/**
 * What the passes apply to every split, fitted on train ({@link ModelFit}) or loaded from the
 * artifacts ({@link ModelLoad}): imputation, then binning, then the encoding, on the files' column names.
 *
 * @param encoding   the risk tables or WOE tables
 * @param imputer    imputation applied before the encoding, or null
 * @param binner     binning of numeric fields before the encoding, or null
 * @param outOfFold  whether the train split is encoded out of fold (a risk fit with {@code num_folds} &ge; 2)
 * @param ivRanking  a risk fit's IV ranking (fields by their logical names) while it is computed on the
 *                   {@link DriverThread}, or null (a WOE fit puts its ranking in the summary at once; a
 *                   loaded model has none)
 * @param train      what train held, which each other split is compared with (drift): the fit's
 *                   counts, or a loaded {@code train_profile.json}
 */
record JobModel(FieldEncoding encoding, MissingValueImputerModel imputer, NumericBinnerModel binner, boolean outOfFold,
        CompletableFuture<List<InformationValues.Row>> ivRanking, TrainProfile train) {
}
