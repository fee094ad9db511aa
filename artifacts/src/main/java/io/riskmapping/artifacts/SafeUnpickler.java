package io.riskmapping.artifacts;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * A pickle reader limited to plain data: dicts, lists, tuples, sets, strings, bytes, numbers,
 * booleans and None. Every opcode that names a class or function, builds an object, calls a
 * callable or asks for a persistent id ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code REDUCE},
 * {@code BUILD}, {@code INST}, {@code OBJ}, {@code NEWOBJ}, {@code NEWOBJ_EX}, {@code EXT1/2/4},
 * {@code PERSID}, {@code BINPERSID}) is refused with a {@link PickleException} before anything
 * is constructed, so a malicious pickle cannot run code when loaded. Dicts keep the order of the
 * pickle (insertion order, as in Python), so a loaded artifact writes back to the same bytes.
 */
public class SafeUnpickler extends Unpickler {

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        String refused = switch (key) {
            case Opcodes.GLOBAL -> "GLOBAL";
            case Opcodes.STACK_GLOBAL -> "STACK_GLOBAL";
            case Opcodes.REDUCE -> "REDUCE";
            case Opcodes.BUILD -> "BUILD";
            case Opcodes.INST -> "INST";
            case Opcodes.OBJ -> "OBJ";
            case Opcodes.NEWOBJ -> "NEWOBJ";
            case Opcodes.NEWOBJ_EX -> "NEWOBJ_EX";
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 -> "EXT";
            case Opcodes.PERSID, Opcodes.BINPERSID -> "PERSID";
            default -> null;
        };
        if (refused != null) {
            throw new PickleException("refused pickle opcode " + refused
                    + ": only plain data (dict, list, str, numbers, bool, None) may be loaded");
        }
        if (key == Opcodes.EMPTY_DICT) {
            stack.add(new LinkedHashMap<Object, Object>());
            return NO_RETURN_VALUE;
        }
        if (key == Opcodes.DICT) {
            List<Object> items = stack.pop_all_since_marker();
            Map<Object, Object> dict = new LinkedHashMap<>();
            for (int i = 0; i + 1 < items.size(); i += 2) {
                dict.put(items.get(i), items.get(i + 1));
            }
            stack.add(dict);
            return NO_RETURN_VALUE;
        }
        if (key == Opcodes.SETITEMS) {
            // The base class collects the items in a HashMap first, which loses the pickle's order.
            List<Object> items = stack.pop_all_since_marker();
            if (items.size() % 2 != 0) {
                throw new PickleException("SETITEMS with an odd number of items");
            }
            if (!(stack.peek() instanceof Map<?, ?> target)) {
                throw new PickleException("SETITEMS on something that is not a dict");
            }
            @SuppressWarnings("unchecked")
            Map<Object, Object> dict = (Map<Object, Object>) target;
            for (int i = 0; i < items.size(); i += 2) {
                dict.put(items.get(i), items.get(i + 1));
            }
            return NO_RETURN_VALUE;
        }
        return super.dispatch(key);
    }
}
